import type { ConfigVersionNotice } from './config-bus.js';

/**
 * One data plane (proxy node) as its last heartbeat described it. Field names follow Kong's
 * `GET /clustering/data-planes`, so the admin side can serve the records as they are.
 */
export interface DataPlaneHeartbeat {
  /** The node id, unique in the cluster. */
  readonly id: string;
  readonly hostname: string;
  /** The node's address as it reports it, or null when it does not. */
  readonly ip: string | null;
  /** The node's software version (Kong's `version`); the config version is `config_version`. */
  readonly version: string;
  /** The config version the node serves, or null before its first snapshot. */
  readonly config_version: number | null;
  /** The hash of the config the node serves, or null before its first snapshot. */
  readonly config_hash: string | null;
  /** When the node last reported, in unix seconds. */
  readonly last_seen: number;
  readonly labels: Readonly<Record<string, string>>;
}

export interface HeartbeatReporterOptions {
  readonly id: string;
  readonly hostname: string;
  readonly ip?: string;
  /** The node's software version. */
  readonly version: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Read at each heartbeat: the config the node serves now, or null before its first snapshot. */
  readonly currentConfig: () => ConfigVersionNotice | null;
  /** Milliseconds between heartbeats. Default 10000. */
  readonly intervalMs?: number;
  /** Milliseconds a heartbeat stays listed without a newer one. Default 3 × `intervalMs`. */
  readonly ttlMs?: number;
}

/** A proxy node's heartbeat loop. Created started (first heartbeat at once); lives until `close()`. */
export interface HeartbeatReporter {
  /**
   * Writes one heartbeat now, e.g. right after a snapshot swap so the admin side sees the new hash
   * without waiting for the next tick. Never rejects: failures go to the bus's error listener.
   */
  beat(): Promise<void>;
  /**
   * Stops the loop once the heartbeat in flight has settled. The last record stays listed until its
   * TTL runs out, so a stopped node shows its `last_seen` for a while, as in Kong. Idempotent.
   */
  close(): Promise<void>;
}

/** The admin side's view of the data planes. */
export interface HeartbeatRegistry {
  /** Every data plane whose last heartbeat has not expired, sorted by id. Rejects when the bus is unreachable. */
  list(): Promise<DataPlaneHeartbeat[]>;
}

/** Default milliseconds between two heartbeats of a reporter. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
