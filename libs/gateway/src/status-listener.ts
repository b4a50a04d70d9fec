/** A proxy node's `GET /status` body. */
export interface ProxyNodeStatus {
  readonly node_id: string;
  /** Hash of the config served, or null before the first snapshot. */
  readonly configuration_hash: string | null;
  /** Version of the config served, or null before the first snapshot. */
  readonly configuration_version: number | null;
  readonly memory: { readonly rss_bytes: number };
}

// The handler itself is shared with config-sync's status listener.
export { createStatusHandler, type StatusSources } from '@switchyard/telemetry';
