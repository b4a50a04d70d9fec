import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Tracer } from '@opentelemetry/api';
import type { GatewayLogger } from '../logger.js';
import { tracingRequested, type TracingSettings } from './tracing-settings.js';

/** A process's tracing, as `startTracing` set it up. */
export interface Tracing {
  /** Whether spans are recorded and exported. */
  readonly enabled: boolean;
  /**
   * The tracer of one instrumentation scope (`@switchyard/gateway`, ...), or `undefined` when
   * tracing is off: callers skip every tracing step then, so that it costs nothing.
   */
  tracer(scope: string): Tracer | undefined;
  /** Exports every ended span now (tests, shutdown). */
  flush(): Promise<void>;
  /** Exports what is left and stops; the process's global tracer is a no-op afterwards. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** `service.name` unless `OTEL_SERVICE_NAME` says otherwise. */
  readonly serviceName: string;
  readonly serviceVersion: string;
  /**
   * Where spans go instead of the exporter the settings name, each as soon as it ends (tests
   * pass an `InMemorySpanExporter`). Tracing is then on whatever the settings say.
   */
  readonly exporter?: SpanExporter;
  /** Where the SDK's own problems go (a failed export, dropped spans), at `OTEL_LOG_LEVEL`. */
  readonly logger?: GatewayLogger;
}

const TRACING_OFF: Tracing = {
  enabled: false,
  tracer: () => undefined,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Sets up tracing for this process from the `OTEL_*` settings (see `startSdkTracing`). When the
 * settings ask for no tracing, nothing is registered and the OpenTelemetry SDK is never loaded
 * (about 13 MB of a process's memory): the API stays a no-op and `tracer()` returns `undefined`.
 */
export async function startTracing(settings: TracingSettings, options: TracingOptions): Promise<Tracing> {
  if (!options.exporter && !tracingRequested(settings)) return TRACING_OFF;
  const { startSdkTracing } = await import('./sdk-tracing.js');
  return startSdkTracing(settings, options);
}
