/**
 * Shared counters for plugins that limit what callers use (`ai-rate-limiting-advanced`): sliding
 * or fixed windows of amounts (tokens, cost) per key, reserved before a request and settled after
 * it. One store serves a whole proxy process; with Redis behind it, every proxy node sees the same
 * counters. Created by the app, handed to plugins through `PluginEnvironment.counters`.
 */
export interface CounterStore {
  /** `local` (this process only) or `redis` (shared by every node on the same Redis and prefix). */
  readonly kind: CounterStoreKind;
  /**
   * Atomically checks every window of `key` and, when `amount` fits in all of them, adds it to
   * each window's current bucket. Nothing is added when one window would go over its limit.
   * Rejects (never hangs past the store's command timeout) when the store is unreachable.
   */
  reserve(
    key: string,
    windows: readonly CounterWindow[],
    amount: number,
    type: WindowType,
  ): Promise<Reservation>;
  /**
   * Adds `delta` (negative to give back) to the buckets a reservation went into, where they still
   * exist: the settlement of an estimate to the real amount. Rejects when the store is unreachable.
   */
  settle(key: string, buckets: readonly ReservedBucket[], delta: number): Promise<void>;
  /** The current usage of every window of `key`, without changing it. */
  usage(key: string, windows: readonly CounterWindow[], type: WindowType): Promise<readonly WindowUsage[]>;
}

export type CounterStoreKind = 'local' | 'redis';

/**
 * Kong's `window_type`: `sliding` counts the current bucket plus the previous one weighted by the
 * part of it still inside the window; `fixed` counts the current bucket alone.
 */
export type WindowType = 'sliding' | 'fixed';

/** One window of a limit: its length in seconds and the most it lets through. */
export interface CounterWindow {
  readonly size: number;
  readonly limit: number;
}

/** A window's state after a check: what it counts now and when its bucket ends. */
export interface WindowUsage extends CounterWindow {
  /** The amount counted in the window now (after the reservation, when it was granted). */
  readonly used: number;
  /** Seconds until the current bucket ends (Kong's `X-AI-RateLimit-Reset-*`). */
  readonly resetSeconds: number;
}

/** Where a reservation went: the bucket (by window size and start, epoch seconds) of each window. */
export interface ReservedBucket {
  readonly size: number;
  readonly start: number;
}

/** The answer of `CounterStore.reserve`. */
export interface Reservation {
  /** The amount fitted in every window and was added. */
  readonly granted: boolean;
  /** Every window's state, in the order asked. */
  readonly windows: readonly WindowUsage[];
  /** The buckets the amount went into (empty when not granted), for `settle`. */
  readonly buckets: readonly ReservedBucket[];
}

/** The counters a gateway process gives its plugins (`PluginEnvironment.counters`). */
export interface PluginCounters {
  /**
   * This process's own counters; absent where the process serves no requests (the Admin API of
   * a distributed deployment, which reads the shared counters only).
   */
  readonly local?: CounterStore;
  /**
   * Counters shared by every node: in Redis (`REDIS_URL`, keys under `REDIS_PREFIX`), or the
   * local ones where the gateway runs without Redis (standalone).
   */
  readonly shared: CounterStore;
}
