import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { CommonSettings, IsListenAddress } from '@switchyard/config';

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

  /** Milliseconds between two checks of the bus for a missed config announcement. */
  @IsInt() @Min(50) RECONCILE_INTERVAL_MS = 5000;

  /** Milliseconds between two heartbeats of a proxy worker. */
  @IsInt() @Min(100) HEARTBEAT_INTERVAL_MS = 10000;

  /** One JSON access log line per request (with the `ai.proxy` analytics when the plugin logs statistics). */
  @IsBoolean() ACCESS_LOG = true;
}
