import type { SqlDialect } from './sql-dialect.js';

/**
 * One statement, after a write in its transaction: bumps the version (recording the writer's
 * traceparent), logs when it was committed, prunes the log to its last `$3` versions, and
 * announces the version (NOTIFY is delivered on commit).
 */
const BUMP_VERSION = `
  WITH bumped AS (
    UPDATE config_version SET version = version + 1, traceparent = $1 RETURNING version
  ), logged AS (
    INSERT INTO config_version_log (version, committed_at) SELECT version, clock_timestamp() FROM bumped
  ), pruned AS (
    DELETE FROM config_version_log WHERE version <= (SELECT version FROM bumped) - $3::bigint
  )
  SELECT version, pg_notify($2, version::text) FROM bumped`;

/** PostgreSQL's spelling of the store's engine-specific statements (`pg`). */
export const POSTGRES_DIALECT: SqlDialect = {
  engine: 'postgresql',
  snapshotRead: 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ',
  migrationLock: 'SELECT pg_advisory_xact_lock(7301)',
  tagCondition: (mode, param) => `(entity -> 'tags') ${mode === 'and' ? '?&' : '?|'} $${param}::text[]`,
  // The store's clock on both sides: no skew between this process and the database.
  versionAges: `SELECT version, extract(epoch FROM clock_timestamp() - committed_at) * 1000 AS age_ms
                  FROM config_version_log WHERE version = ANY($1::bigint[])`,
  async bumpVersion(tx, { traceparent, channel, keep }) {
    const [row] = await tx.query<{ version: string }>(BUMP_VERSION, [traceparent, channel, keep]);
    return Number(row!.version);
  },
};
