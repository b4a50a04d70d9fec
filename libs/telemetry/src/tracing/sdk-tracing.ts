import {
  context,
  diag,
  DiagLogLevel,
  propagation,
  trace,
  type DiagLogger,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { GatewayLogger } from '../logger.js';
import type { TracingSettings } from './tracing-settings.js';
import type { Tracing, TracingOptions } from './start-tracing.js';

/**
 * Tracing with the OpenTelemetry SDK (loaded by `startTracing` only when tracing is on): a tracer
 * provider with the sampler, a batch processor and the OTLP (or console) exporter the `OTEL_*`
 * settings name, registered as the OpenTelemetry API's global provider, with W3C trace-context
 * propagation and an async-local context manager.
 */
export function startSdkTracing(settings: TracingSettings, options: TracingOptions): Tracing {
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({
        'service.name': options.serviceName,
        'service.version': options.serviceVersion,
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({
    resource,
    sampler: samplerFor(settings),
    spanProcessors: [processorFor(settings, options.exporter)],
  });
  if (options.logger && settings.OTEL_LOG_LEVEL !== 'none') {
    diag.setLogger(diagnosticsTo(options.logger), {
      logLevel: DIAG_LEVELS[settings.OTEL_LOG_LEVEL] ?? DiagLogLevel.WARN,
      suppressOverrideMessage: true,
    });
  }
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(propagatorFor(settings.OTEL_PROPAGATORS));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return {
    enabled: true,
    tracer: (scope) => provider.getTracer(scope, options.serviceVersion),
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      diag.disable();
    },
  };
}

const DIAG_LEVELS: Readonly<Record<string, DiagLogLevel>> = {
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/** The SDK's diagnostics as the app's log lines (`opentelemetry: <message>`). */
function diagnosticsTo(logger: GatewayLogger): DiagLogger {
  const line =
    (write: (message: string, fields?: Record<string, unknown>) => void) =>
    (message: string, ...details: unknown[]) =>
      write(`opentelemetry: ${message}`, details.length > 0 ? { details: details.map(String) } : undefined);
  return {
    error: line((message, fields) => logger.error(message, fields)),
    warn: line((message, fields) => logger.warn(message, fields)),
    info: line((message, fields) => logger.info(message, fields)),
    debug: line((message, fields) => logger.debug(message, fields)),
    verbose: line((message, fields) => logger.debug(message, fields)),
  };
}

function processorFor(settings: TracingSettings, testExporter: SpanExporter | undefined): SpanProcessor {
  if (testExporter) return new SimpleSpanProcessor({ exporter: testExporter });
  return new BatchSpanProcessor({
    exporter: exporterFor(settings),
    scheduledDelayMillis: settings.OTEL_BSP_SCHEDULE_DELAY,
    maxQueueSize: settings.OTEL_BSP_MAX_QUEUE_SIZE,
    maxExportBatchSize: Math.min(settings.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, settings.OTEL_BSP_MAX_QUEUE_SIZE),
    exportTimeoutMillis: settings.OTEL_BSP_EXPORT_TIMEOUT,
  });
}

/**
 * The exporter the settings name. OTLP goes to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else
 * `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`, else the collector's default on localhost:4318; the
 * exporter reads its headers, timeout, compression and certificates from the environment.
 */
function exporterFor(settings: TracingSettings): SpanExporter {
  if (settings.OTEL_TRACES_EXPORTER === 'console') return new ConsoleSpanExporter();
  const base = settings.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const url = settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base}/v1/traces`);
  const protocol = settings.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? settings.OTEL_EXPORTER_OTLP_PROTOCOL;
  return protocol === 'http/json' ? new OtlpJsonExporter({ url }) : new OtlpProtobufExporter({ url });
}

function samplerFor(settings: TracingSettings): Sampler {
  const ratio = settings.OTEL_TRACES_SAMPLER_ARG;
  switch (settings.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function propagatorFor(names: string): TextMapPropagator {
  const propagators: TextMapPropagator[] = [];
  const listed = new Set(names.split(',').map((name) => name.trim()));
  if (listed.has('tracecontext')) propagators.push(new W3CTraceContextPropagator());
  if (listed.has('baggage')) propagators.push(new W3CBaggagePropagator());
  return new CompositePropagator({ propagators });
}
