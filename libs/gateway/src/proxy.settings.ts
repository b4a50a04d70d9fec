import { IsBoolean, IsInt, Max, Min, ValidateBy } from 'class-validator';
import { CommonSettings, IsListenAddress } from '@switchyard/config';

/** The setting is no larger than the setting `other` (node refuses a head deadline past the request's). */
function IsAtMost(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'isAtMost',
    constraints: [other],
    validator: {
      validate: (value, args) =>
        typeof value === 'number' && value <= Number((args!.object as Record<string, unknown>)[other]),
      defaultMessage: (args) => `${args!.property} must not be larger than ${other}`,
    },
  });
}

/** A proxy node's settings, from the environment (see the README's table). */
export class ProxySettings extends CommonSettings {
  /** Where clients send their requests. */
  @IsListenAddress() PROXY_LISTEN = '0.0.0.0:8000';

  /**
   * Where `GET /status` and `GET /metrics` (Prometheus) answer, kept off the proxy port where routes
   * live. With `PROXY_WORKERS` > 1 the cluster primary owns it and answers for all workers.
   */
  @IsListenAddress() STATUS_LISTEN = '127.0.0.1:8100';

  /** Worker processes sharing the listeners (`node:cluster`); 1 runs in this process. */
  @IsInt() @Min(1) @Max(64) PROXY_WORKERS = 1;

  /** The largest request body the proxy reads, in bytes (the ai-proxy plugin has its own, lower limit). */
  @IsInt() @Min(1) PROXY_MAX_BODY_BYTES = 10 * 1024 * 1024;

  /**
   * The largest upstream answer the proxy holds at once to rewrite it, in bytes after gzip
   * decoding (a 502 above it). Streamed and passed-through answers are not held whole.
   */
  @IsInt() @Min(1024) PROXY_MAX_RESPONSE_BODY_BYTES = 10 * 1024 * 1024;

  /** Milliseconds a client has from its request's first byte to the end of its headers (408 and closed after). */
  @IsInt() @Min(100) @IsAtMost('PROXY_REQUEST_TIMEOUT_MS') PROXY_HEADERS_TIMEOUT_MS = 10_000;

  /** Milliseconds a client has to send its whole request, body included (408 and closed after). */
  @IsInt() @Min(100) PROXY_REQUEST_TIMEOUT_MS = 60_000;

  /** Milliseconds an idle keep-alive connection stays open (above the 60 s idle timeout of common load balancers). */
  @IsInt() @Min(100) PROXY_KEEP_ALIVE_TIMEOUT_MS = 65_000;

  /** Milliseconds between two checks of the bus for a missed config announcement. */
  @IsInt() @Min(50) RECONCILE_INTERVAL_MS = 5000;

  /** Milliseconds between two heartbeats of a proxy worker. */
  @IsInt() @Min(100) HEARTBEAT_INTERVAL_MS = 10000;

  /**
   * Distinct consumers a proxy process labels its request and AI counters with (the `consumer`
   * label: username, else id); consumers past them are counted as `other`.
   */
  @IsInt() @Min(0) @Max(10_000) METRICS_MAX_CONSUMERS = 100;

  /** One JSON access log line per request (with the `ai.proxy` analytics when the plugin logs statistics). */
  @IsBoolean() ACCESS_LOG = true;
}
