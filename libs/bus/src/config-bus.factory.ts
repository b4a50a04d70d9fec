import type { BusErrorListener, ConfigBus, ConfigSnapshotEnvelope } from './config-bus.js';
import { InProcessConfigBus } from './in-process-config-bus.js';
import { RedisConfigBus } from './redis-config-bus.js';

export interface ConfigBusOptions {
  /** The Redis URL (`REDIS_URL`). When absent or empty, the in-process adapter is used (standalone mode). */
  readonly redisUrl?: string;
  /** Redis only: prefix of every key and channel. Default `switchyard`. */
  readonly prefix?: string;
  /** Redis only: milliseconds a command, and separately the wait for a connection, may take. Default 2000. */
  readonly commandTimeoutMs?: number;
  /** Redis only: milliseconds one connection attempt may take. Default 2000. */
  readonly connectTimeoutMs?: number;
  /** Receives the errors the bus does not throw. Default: a one-line `console.warn`. */
  readonly onError?: BusErrorListener;
}

/**
 * The one call an app makes: a Redis bus when `redisUrl` is set, otherwise an in-process bus.
 * In standalone mode every part of the process must share the returned instance.
 */
export function createConfigBus<S extends ConfigSnapshotEnvelope = ConfigSnapshotEnvelope>(
  options: ConfigBusOptions = {},
): ConfigBus<S> {
  const { redisUrl, ...rest } = options;
  return redisUrl ? new RedisConfigBus<S>({ ...rest, url: redisUrl }) : new InProcessConfigBus<S>(rest);
}
