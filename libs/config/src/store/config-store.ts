import type { EntityName, EntityTypes } from '../entities/entity.types.js';

/** Which page of a collection to read. */
export interface PageRequest {
  /** Entities per page, 1 to 1000. */
  readonly size: number;
  /** The opaque offset a previous page returned. */
  readonly offset?: string;
  /** Only entities with these tags: all of them (`and`) or any (`or`). */
  readonly tags?: { readonly values: readonly string[]; readonly mode: 'and' | 'or' };
  /** Only entities that reference this parent (`/services/{id}/routes`). */
  readonly parent?: { readonly field: 'service' | 'route' | 'consumer'; readonly id: string };
}

export interface Page<E> {
  readonly data: E[];
  /** The offset of the next page, or `null` on the last one. */
  readonly offset: string | null;
}

/** Everything the proxies need, read at one version in one consistent transaction. */
export interface ConfigContent {
  readonly version: number;
  /**
   * The W3C `traceparent` this config continues, when tracing is on: in a store read, the write
   * that made `version`; in a published snapshot, config-sync's publish. Not part of the hash.
   */
  readonly traceparent?: string | null;
  readonly services: EntityTypes['services'][];
  readonly routes: EntityTypes['routes'][];
  readonly consumers: EntityTypes['consumers'][];
  readonly plugins: EntityTypes['plugins'][];
  /**
   * Key hashes, never keys. Expired credentials are included (a proxy checks `expires_at` on
   * each lookup), so that a version's content does not depend on when it was read. Absent means
   * none, and a snapshot without any hashes as one built before credentials existed.
   */
  readonly keyauth_credentials?: EntityTypes['keyauth_credentials'][];
}

/** Who `ConfigStore.onVersion` tells of new versions. */
export interface VersionSubscriber {
  /** A write committed `version`. */
  committed(version: number): void;
  /**
   * Versions may have been committed without a word (the store's connection was lost and is
   * back): read `currentVersion()`.
   */
  missed(): void;
}

/**
 * The durable config. Rows of an expiring collection (`EntityDefinition.expires`) are invisible
 * to `findById`, `findByField` and `list` once expired. Every committed write bumps one monotonic config version in the same
 * transaction and announces it (`onVersion`), so that a reader can never miss a write: what it
 * sees at version V includes every write up to V. Unique and foreign-key rules are enforced
 * here and surface as Kong's errors (`KongDbError`): 409 for a taken unique value, 400 for a
 * reference to nothing or a delete that routes still depend on.
 */
export interface ConfigStore {
  findById<N extends EntityName>(entity: N, id: string): Promise<EntityTypes[N] | undefined>;
  /** Looks an entity up by a unique field (`name`, `username`, `instance_name`, `key_hash`). */
  findByField<N extends EntityName>(
    entity: N,
    field: string,
    value: string,
  ): Promise<EntityTypes[N] | undefined>;
  list<N extends EntityName>(entity: N, page: PageRequest): Promise<Page<EntityTypes[N]>>;
  insert<N extends EntityName>(entity: N, value: EntityTypes[N]): Promise<EntityTypes[N]>;
  /** Replaces the entity with the same id. */
  update<N extends EntityName>(entity: N, value: EntityTypes[N]): Promise<EntityTypes[N]>;
  /** Deletes by id (a route takes its plugins along); false when there was nothing to delete. */
  delete(entity: EntityName, id: string): Promise<boolean>;
  /** The version of the latest committed write (0 before any). */
  currentVersion(): Promise<number>;
  readConfig(): Promise<ConfigContent>;
  /**
   * How long ago each of `versions` was committed, in milliseconds by the store's clock. Only
   * the latest 1,000 versions are remembered: an older version (or one never committed) is absent.
   */
  versionAges(versions: readonly number[]): Promise<ReadonlyMap<number, number>>;
  /**
   * Tells `subscriber` of each newly committed version, and when some may have gone unannounced
   * (the subscription was down); resolves to the unsubscribe function.
   */
  onVersion(subscriber: VersionSubscriber): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
