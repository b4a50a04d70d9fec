import type { HeartbeatRegistry, HeartbeatReporter, HeartbeatReporterOptions } from './heartbeat.js';
import type { SyncReportBoard } from './sync-report.js';

/**
 * What every config snapshot carries, whatever else it holds. The bus never looks further into a
 * snapshot: it stores it, announces `{version, hash}` and hands it back, so the entity types stay
 * in `libs/config`. A snapshot must be JSON-serializable; both adapters hand back what
 * `JSON.parse(JSON.stringify(snapshot))` gives.
 */
export interface ConfigSnapshotEnvelope {
  /** The store's config version: a non-negative safe integer that only grows. */
  readonly version: number;
  /** A stable hash of the canonical config, as the heartbeats report it (`config_hash`). */
  readonly hash: string;
}

/** The announcement that a snapshot is available: the envelope of the stored snapshot, nothing more. */
export interface ConfigVersionNotice {
  readonly version: number;
  readonly hash: string;
}

/**
 * How a publish ended.
 * - `published`: the snapshot is stored and announced.
 * - `unchanged`: the same version with the same hash was already stored; nothing was announced.
 * - `stale`: a newer version is stored; it was kept.
 * - `conflict`: the same version is stored with another hash (two builders disagree); it was kept.
 */
export type PublishStatus = 'published' | 'unchanged' | 'stale' | 'conflict';

export interface PublishOutcome {
  readonly status: PublishStatus;
  /** The version and hash stored once the publish is done. */
  readonly current: ConfigVersionNotice;
}

/** Config-sync's side of the bus: stores snapshots and announces them. */
export interface SnapshotPublisher<S extends ConfigSnapshotEnvelope = ConfigSnapshotEnvelope> {
  /**
   * Stores `snapshot` as the current one and announces `{version, hash}` to every subscriber, in
   * one atomic step that only moves forward: a version older than the stored one never replaces it,
   * so racing publishers cannot roll the config back. Rejects when the bus is unreachable (within
   * the adapter's command timeout) or when `version`/`hash` are malformed; the caller retries.
   */
  publish(snapshot: S): Promise<PublishOutcome>;
  /** The version and hash of the stored snapshot, or null when none was ever published. Rejects like `publish`. */
  current(): Promise<ConfigVersionNotice | null>;
}

/**
 * Called with each newer version the subscriber learns of, in increasing order, at most once per
 * version (unless a `load()` after it failed; then it is announced again). The listener decides
 * whether to `load()` and swap. A thrown error or rejected promise goes to the bus's error listener.
 */
export type ConfigVersionListener = (notice: ConfigVersionNotice) => void | Promise<void>;

export interface SnapshotSubscriberOptions {
  /**
   * How often, in milliseconds, the subscriber compares the stored version with the last one it
   * handed out, to heal announcements that pub/sub lost. Default 5000. The in-process adapter
   * cannot lose announcements and does not poll.
   */
  readonly reconcileIntervalMs?: number;
}

/**
 * A proxy's side of the bus. It never throws into the proxy: failures go to the bus's error
 * listener, and the proxy keeps serving the snapshot it has.
 *
 * Typical use: at boot `serve(await subscriber.load())`, then
 * `subscriber.onUpdate(async (notice) => { if (notice.version > served.version) serve(await subscriber.load()); })`.
 * A version returned by `load()` counts as seen and is not announced.
 */
export interface SnapshotSubscriber<S extends ConfigSnapshotEnvelope = ConfigSnapshotEnvelope> {
  /**
   * Reads and parses the stored snapshot (one round trip, one parse). Resolves null when none is
   * stored or when the bus is unreachable; in the latter case the error is reported and the version
   * in hand is announced again by the next reconcile, so the consumer gets another chance.
   */
  load(): Promise<S | null>;
  /**
   * Registers a listener and returns the function that removes it. The first registration starts
   * the subscription: the current stored version is announced as soon as it is known (unless
   * `load()` already returned it), then every newer one, from pub/sub, from the reconcile after each
   * (re)connect and from the reconcile timer.
   */
  onUpdate(listener: ConfigVersionListener): () => void;
  /** Stops the subscription and the timer and drops the listeners. Idempotent. */
  close(): Promise<void>;
}

/** Where a reported (never thrown) error happened. */
export type BusErrorSource = 'connection' | 'subscription' | 'reconcile' | 'load' | 'listener' | 'heartbeat';

/** Receives the errors the bus does not throw: connection losses, failed background reads, listener failures. */
export type BusErrorListener = (error: Error, source: BusErrorSource) => void;

/**
 * The propagation bus: one per process, created by `createConfigBus`. Owns every connection and
 * timer of the objects it creates; `close()` ends them all.
 */
export interface ConfigBus<S extends ConfigSnapshotEnvelope = ConfigSnapshotEnvelope> {
  /** Config-sync's publisher. Shares the bus's data connection. */
  readonly publisher: SnapshotPublisher<S>;
  /** The admin side's view of the live data planes. */
  readonly heartbeats: HeartbeatRegistry;
  /** Config-sync's report of what it published or refused, for the admin side. */
  readonly syncReports: SyncReportBoard;
  /** A new subscriber for one consumer (a proxy worker). Connects on its first `onUpdate`. */
  createSubscriber(options?: SnapshotSubscriberOptions): SnapshotSubscriber<S>;
  /** Starts reporting this data plane: a first heartbeat now, then one every `intervalMs`. */
  createHeartbeatReporter(options: HeartbeatReporterOptions): HeartbeatReporter;
  /** Closes the subscribers and reporters created here, then the connections. Idempotent. */
  close(): Promise<void>;
}

/** Default reconcile interval of a subscriber, in milliseconds. */
export const DEFAULT_RECONCILE_INTERVAL_MS = 5_000;

/** Throws unless `snapshot` carries a usable envelope; both adapters check before storing. */
export function assertSnapshotEnvelope(snapshot: ConfigSnapshotEnvelope): void {
  if (!Number.isSafeInteger(snapshot.version) || snapshot.version < 0) {
    throw new TypeError(
      `snapshot version must be a non-negative safe integer, got ${String(snapshot.version)}`,
    );
  }
  if (typeof snapshot.hash !== 'string' || snapshot.hash === '') {
    throw new TypeError('snapshot hash must be a non-empty string');
  }
}

/** Normalises whatever was thrown into an Error for the error listener. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The error listener used when none is given: one line on stderr per error. */
export const warnOnBusError: BusErrorListener = (error, source) => {
  console.warn(`[switchyard/bus] ${source}: ${error.message}`);
};
