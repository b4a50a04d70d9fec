import type { ConfigVersionNotice, DataPlaneHeartbeat } from '@switchyard/bus';

/**
 * Whether a data plane serves the store's latest config: `normal` when it does (or is catching
 * up with writes younger than the grace period), `outdated` when it is behind for longer, serves
 * a version the store does not hold, or refused what the bus holds; `unknown` before its first
 * snapshot. (Kong's `sync_status` speaks of compatibility; here it also tells whether changes arrive.)
 */
export type SyncStatus = 'normal' | 'outdated' | 'unknown';

/** The store's side of the comparison, read once per listing. */
export interface StoreVersionView {
  /** The store's current config version. */
  readonly current: number;
  /** Milliseconds since each recent version was committed (`ConfigStore.versionAges`). */
  readonly ages: ReadonlyMap<number, number>;
}

/**
 * The rule of `GET /clustering/data-planes`. A node at version V while the store is at a later
 * one has been behind since V+1 was committed; within `outdatedAfterMs` of that it is taken as
 * catching up (every node is a few milliseconds behind after each write), after it is
 * `outdated`, however many versions behind and whatever the cause: config-sync down, a refused
 * snapshot, a proxy cut off from Redis. A V+1 the store no longer remembers is long past.
 */
export function dataPlaneSyncStatus(
  plane: Pick<DataPlaneHeartbeat, 'config_version' | 'config_hash'>,
  store: StoreVersionView,
  published: ConfigVersionNotice | null,
  outdatedAfterMs: number,
): SyncStatus {
  const served = plane.config_version;
  if (served === null || plane.config_hash === null) return 'unknown';
  if (served === store.current) {
    // The bus holds this version or a later one with other content: the node refused it.
    const refused = published !== null && published.version >= served && published.hash !== plane.config_hash;
    return refused ? 'outdated' : 'normal';
  }
  if (served > store.current) return 'outdated';
  const behindForMs = store.ages.get(served + 1);
  return behindForMs !== undefined && behindForMs <= outdatedAfterMs ? 'normal' : 'outdated';
}

/** The versions whose age `dataPlaneSyncStatus` needs: the one after each version served behind the store. */
export function versionsToAge(
  planes: readonly Pick<DataPlaneHeartbeat, 'config_version'>[],
  current: number,
): number[] {
  const behind = planes
    .map((plane) => plane.config_version)
    .filter((version): version is number => version !== null && version < current);
  return [...new Set(behind)].map((version) => version + 1);
}
