import type { SqlExecutor } from './sql-client.js';

/** The engines the config store runs on. */
export type SqlEngine = 'postgresql' | 'sqlite';

/** What one bump of the config version records, and where it is announced. */
export interface VersionBump {
  /** The W3C traceparent of the write, or null when it was not traced. */
  readonly traceparent: string | null;
  /** The notification channel that carries the new version. */
  readonly channel: string;
  /** How many of the latest versions keep their commit time. */
  readonly keep: number;
}

/**
 * The few statements of the config store that PostgreSQL and SQLite spell differently; every
 * other statement of `SqlConfigStore` is SQL both accept. One instance per engine, held by
 * its `SqlClient`.
 */
export interface SqlDialect {
  /** The engine (OpenTelemetry's `db.system.name`, and which SQL of a migration runs). */
  readonly engine: SqlEngine;
  /**
   * Run first in a transaction whose reads must all see one state of the database, if the
   * engine needs it (SQLite's transactions are serializable already).
   */
  readonly snapshotRead?: string;
  /** Run first in the migration transaction so that processes starting together take turns, if needed. */
  readonly migrationLock?: string;
  /**
   * The condition that keeps rows whose `entity.tags` holds all (`and`) or any (`or`) of the
   * tags bound at `$<param>` (an array of strings).
   */
  tagCondition(mode: 'and' | 'or', param: number): string;
  /**
   * `(version, age_ms)` of the versions bound at `$1` (an array of numbers) that the version log
   * holds, their age by the store's clock.
   */
  readonly versionAges: string;
  /**
   * After a write, in its transaction: bumps the version, logs its commit time, prunes the log,
   * and announces the version on commit. Resolves with the new version.
   */
  bumpVersion(tx: SqlExecutor, bump: VersionBump): Promise<number>;
}
