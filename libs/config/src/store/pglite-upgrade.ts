import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMBEDDED_STORE_FILE, holdsPgliteDatabase } from './embedded-store.js';
import { migrate } from './migrations.js';
import { PgliteSqlClient } from './pglite.sql-client.js';
import { SqliteSqlClient } from './sqlite.sql-client.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';

/** The entity tables, parents first. */
const ENTITY_TABLES = ['services', 'routes', 'consumers', 'plugins', 'keyauth_credentials'] as const;

/** What `copyPgliteStore` copied. */
export interface PgliteCopy {
  /** The SQLite file it wrote. */
  readonly file: string;
  /** The config version, kept as it was (data planes never see it go back). */
  readonly version: number;
  /** Rows per entity table. */
  readonly rows: Readonly<Record<(typeof ENTITY_TABLES)[number], number>>;
}

/**
 * The upgrade from the PGlite embedded store of earlier versions: copies every entity, the
 * config version (with its traceparent) and the version log from the PGlite database in
 * `dataDir` (migrated to the latest schema first) into a new `switchyard.sqlite` beside it, in
 * one transaction, written to a temporary file and renamed into place once complete. Refuses
 * when `dataDir` holds no PGlite database or already holds the SQLite store. The PGlite files
 * are left as they were (no longer read).
 */
export async function copyPgliteStore(dataDir: string): Promise<PgliteCopy> {
  const file = join(dataDir, EMBEDDED_STORE_FILE);
  if (!holdsPgliteDatabase(dataDir)) throw new Error(`${resolve(dataDir)} holds no PGlite database`);
  if (existsSync(file)) throw new Error(`${resolve(file)} exists already: the config was copied before`);
  const partial = `${file}.partial`;
  removeSqliteFiles(partial);
  const source = await PgliteSqlClient.open(dataDir);
  try {
    await migrate(source);
    const target = SqliteSqlClient.open(partial);
    let copy: Omit<PgliteCopy, 'file'>;
    try {
      await migrate(target);
      copy = await target.transaction((tx) => copyRows(source, tx));
    } finally {
      await target.close();
    }
    renameSync(partial, file);
    return { file: resolve(file), ...copy };
  } catch (error) {
    removeSqliteFiles(partial);
    throw error;
  } finally {
    await source.close();
  }
}

async function copyRows(source: SqlClient, tx: SqlExecutor): Promise<Omit<PgliteCopy, 'file'>> {
  const rows = {} as Record<(typeof ENTITY_TABLES)[number], number>;
  for (const table of ENTITY_TABLES) {
    const found = await source.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`);
    for (const row of found) await insertRow(tx, table, row);
    rows[table] = found.length;
  }
  const log = await source.query<Record<string, unknown>>(
    'SELECT version, extract(epoch FROM committed_at) * 1000 AS committed_at FROM config_version_log',
  );
  for (const row of log) await insertRow(tx, 'config_version_log', row);
  const [current] = await source.query<{ version: string; traceparent: string | null }>(
    'SELECT version, traceparent FROM config_version',
  );
  const version = Number(current?.version ?? 0);
  await tx.query('UPDATE config_version SET version = $1, traceparent = $2', [
    version,
    current?.traceparent ?? null,
  ]);
  return { version, rows };
}

/** One row into `table`, column for column (a `jsonb` object binds as its JSON text; bigints as numbers). */
function insertRow(tx: SqlExecutor, table: string, row: Record<string, unknown>): Promise<unknown> {
  const names = Object.keys(row);
  const values = names.map((name) => (name === 'version' ? Number(row[name]) : row[name]));
  return tx.query(
    `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
    values,
  );
}

/** A SQLite database file and its write-ahead log files. */
function removeSqliteFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}
