import { RedisConnection, type BusErrorListener } from '@switchyard/bus';
import type { PluginCounters } from '@switchyard/plugin-api';
import { LocalCounterStore } from './local-counter-store.js';
import { RedisCounterStore } from './redis-counter-store.js';

/** Default milliseconds a counter script may take: a request waits at most this for its check. */
export const DEFAULT_COUNTER_TIMEOUT_MS = 250;

export interface CounterStoreOptions {
  /** The apps' `REDIS_URL`; absent or empty: counters in this process only. */
  readonly redisUrl?: string;
  /** The apps' `REDIS_PREFIX`: deployments (and test runs) sharing a Redis never share counters. */
  readonly prefix: string;
  /** Milliseconds a counter command may take before it fails. Default 250. */
  readonly commandTimeoutMs?: number;
  /** Receives connection errors (the store keeps reconnecting). */
  readonly onError: BusErrorListener;
}

/** A process's plugin counters and how to let go of them. */
export interface OpenPluginCounters {
  readonly counters: PluginCounters;
  close(): Promise<void>;
}

/**
 * The one call a proxying app makes: its local counters, and shared ones in Redis when
 * `redisUrl` is set (connected at once, reconnecting in the background whenever it drops),
 * otherwise the local ones serve as shared (one process is the whole gateway).
 */
export function openPluginCounters(options: CounterStoreOptions): OpenPluginCounters {
  const local = new LocalCounterStore();
  if (!options.redisUrl) return { counters: { local, shared: local }, close: () => Promise.resolve() };
  const timeout = options.commandTimeoutMs ?? DEFAULT_COUNTER_TIMEOUT_MS;
  const connection = new RedisConnection({
    url: options.redisUrl,
    connectionName: `${options.prefix}:counters`,
    commandTimeoutMs: timeout,
    connectTimeoutMs: Math.max(timeout, 1_000),
    reportError: options.onError,
  });
  connection.connect();
  const shared = new RedisCounterStore(connection.client, options.prefix);
  return { counters: { local, shared }, close: () => connection.close() };
}
