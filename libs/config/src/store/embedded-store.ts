import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The embedded store's file in `DATA_DIR`. */
export const EMBEDDED_STORE_FILE = 'switchyard.sqlite';

/** The `DATA_DIR` that keeps the embedded store in memory (tests, throwaway gateways). */
export const IN_MEMORY_DATA_DIR = 'memory://';

/** PostgreSQL's (and so PGlite's) marker file at the top of a data directory. */
const PGLITE_MARKER = 'PG_VERSION';

/**
 * `DATA_DIR` holds the PGlite database of an earlier Switchyard and no SQLite store yet: the
 * gateway does not start on an empty store beside a config it would ignore.
 */
export class PgliteDataDirError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `DATA_DIR ${dataDir} holds a PGlite database from an earlier Switchyard; the embedded store is ` +
        `now SQLite (${EMBEDDED_STORE_FILE}). Copy the config into it once with ` +
        `\`DATA_DIR=${dataDir} npm run store:migrate-pglite\`, then start again.`,
    );
    this.name = 'PgliteDataDirError';
  }
}

/** Whether `dataDir` holds a PGlite (PostgreSQL) data directory. */
export function holdsPgliteDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, PGLITE_MARKER));
}

/**
 * The SQLite file of the embedded store in `dataDir` (created with its directory when needed),
 * or `:memory:` for `memory://`. Throws `PgliteDataDirError` when the directory holds a PGlite
 * database that was never copied.
 */
export function embeddedStorePath(dataDir: string): string {
  if (dataDir === IN_MEMORY_DATA_DIR) return ':memory:';
  const file = join(dataDir, EMBEDDED_STORE_FILE);
  if (!existsSync(file) && holdsPgliteDatabase(dataDir)) throw new PgliteDataDirError(resolve(dataDir));
  mkdirSync(dataDir, { recursive: true });
  return file;
}
