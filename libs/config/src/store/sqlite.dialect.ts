import type { SqlDialect } from './sql-dialect.js';

/**
 * SQLite's spelling of the store's engine-specific statements (`node:sqlite`). Arrays are bound
 * as JSON text (`SqliteSqlClient`), read with `json_each`; `config_version_log.committed_at` holds
 * Unix milliseconds; `pg_notify` is the client's own function, delivered on commit as PostgreSQL's.
 */
export const SQLITE_DIALECT: SqlDialect = {
  engine: 'sqlite',
  tagCondition: (mode, param) =>
    mode === 'and'
      ? `NOT EXISTS (SELECT 1 FROM json_each($${param}) AS wanted WHERE NOT EXISTS
           (SELECT 1 FROM json_each(entity, '$.tags') AS tag WHERE tag.value = wanted.value))`
      : `EXISTS (SELECT 1 FROM json_each(entity, '$.tags') AS tag
           WHERE tag.value IN (SELECT value FROM json_each($${param})))`,
  versionAges: `SELECT version, unixepoch('subsec') * 1000 - committed_at AS age_ms
                  FROM config_version_log WHERE version IN (SELECT value FROM json_each($1))`,
  async bumpVersion(tx, { traceparent, channel, keep }) {
    const [row] = await tx.query<{ version: number }>(
      'UPDATE config_version SET version = version + 1, traceparent = $1 RETURNING version',
      [traceparent],
    );
    const version = row!.version;
    await tx.query(
      "INSERT INTO config_version_log (version, committed_at) VALUES ($1, unixepoch('subsec') * 1000)",
      [version],
    );
    await tx.query('DELETE FROM config_version_log WHERE version <= $1', [version - keep]);
    await tx.query('SELECT pg_notify($1, $2)', [channel, String(version)]);
    return version;
  },
};
