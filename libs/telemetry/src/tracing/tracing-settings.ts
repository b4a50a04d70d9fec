import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';

const URL_RULE = /^https?:\/\/[^\s]+$/;
const PROTOCOLS = ['http/protobuf', 'http/json'];
const PROTOCOL_MESSAGE =
  "$property must be http/protobuf or http/json (grpc is not supported: point the exporter at the collector's OTLP/HTTP port, 4318)";

/**
 * Tracing, configured with OpenTelemetry's standard environment variables (the subset the README
 * lists), read with `loadEnvironment`. Tracing is on when an exporter is asked for:
 * `OTEL_TRACES_EXPORTER` is `otlp` or `console`, or an OTLP endpoint is set. The OTLP exporter
 * itself also reads `OTEL_EXPORTER_OTLP_HEADERS`, `_TIMEOUT`, `_COMPRESSION` and the certificate
 * variables.
 */
export class TracingSettings {
  /** `true` turns tracing off whatever else is set. */
  @IsBoolean() OTEL_SDK_DISABLED = false;

  /** `otlp`, `console` or `none`; unset means `otlp` when an endpoint is set, else no tracing. */
  @IsOptional()
  @IsIn(['otlp', 'console', 'none'], { message: 'OTEL_TRACES_EXPORTER must be otlp, console or none' })
  OTEL_TRACES_EXPORTER: 'otlp' | 'console' | 'none' | undefined = undefined;

  /** The collector's base URL (`http://collector:4318`); traces go to `<endpoint>/v1/traces`. */
  @IsOptional()
  @Matches(URL_RULE, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT: string | undefined = undefined;

  /** The full URL traces are posted to; wins over `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  @IsOptional()
  @Matches(URL_RULE, { message: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: string | undefined = undefined;

  @IsIn(PROTOCOLS, { message: PROTOCOL_MESSAGE })
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' | 'http/json' = 'http/protobuf';

  /** Wins over `OTEL_EXPORTER_OTLP_PROTOCOL` for traces. */
  @IsOptional()
  @IsIn(PROTOCOLS, { message: PROTOCOL_MESSAGE })
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' | 'http/json' | undefined = undefined;

  /** `service.name` of every span; each app has its own default (`switchyard-proxy`, ...). */
  @IsOptional() @Matches(/\S/) OTEL_SERVICE_NAME: string | undefined = undefined;

  @IsIn(
    [
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ],
    {
      message:
        'OTEL_TRACES_SAMPLER must be always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio',
    },
  )
  OTEL_TRACES_SAMPLER = 'parentbased_always_on';

  /** The ratio of traces kept by the `traceidratio` samplers, 0 to 1. */
  @IsNumber({}, { message: 'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1' })
  @Min(0)
  @Max(1)
  OTEL_TRACES_SAMPLER_ARG = 1;

  /** Comma-separated: `tracecontext` (W3C `traceparent`), `baggage`, or `none`. */
  @Matches(/^\s*(tracecontext|baggage|none)\s*(,\s*(tracecontext|baggage|none)\s*)*$/, {
    message: 'OTEL_PROPAGATORS must list tracecontext, baggage or none (comma-separated)',
  })
  OTEL_PROPAGATORS = 'tracecontext,baggage';

  /**
   * What the OpenTelemetry SDK itself reports (a failed export, dropped spans) into the app's log:
   * `none`, `error`, `warn`, `info`, `debug`, `verbose` or `all`.
   */
  @IsIn(['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'], {
    message: 'OTEL_LOG_LEVEL must be none, error, warn, info, debug, verbose or all',
  })
  OTEL_LOG_LEVEL = 'warn';

  /** The batch span processor: milliseconds between exports, queue and batch sizes, export timeout. */
  @IsInt() @Min(1) OTEL_BSP_SCHEDULE_DELAY = 5000;
  @IsInt() @Min(1) OTEL_BSP_MAX_QUEUE_SIZE = 2048;
  @IsInt() @Min(1) OTEL_BSP_MAX_EXPORT_BATCH_SIZE = 512;
  @IsInt() @Min(1) OTEL_BSP_EXPORT_TIMEOUT = 30000;
}

/** Whether `settings` ask for tracing at all. */
export function tracingRequested(settings: TracingSettings): boolean {
  if (settings.OTEL_SDK_DISABLED) return false;
  if (settings.OTEL_TRACES_EXPORTER !== undefined) return settings.OTEL_TRACES_EXPORTER !== 'none';
  return Boolean(settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? settings.OTEL_EXPORTER_OTLP_ENDPOINT);
}
