import { embeddedStorePath } from './embedded-store.js';
import { SqlConfigStore } from './sql-config-store.js';
import { SqliteSqlClient } from './sqlite.sql-client.js';
import type { PostgresSqlClientOptions } from './postgres.sql-client.js';

/** Where the config lives: PostgreSQL when a URL is given, else the embedded SQLite store in `dataDir`. */
export interface StoreLocation {
  readonly databaseUrl?: string;
  /** The embedded store's directory (its file is `switchyard.sqlite`); `memory://` for a throwaway store. */
  readonly dataDir: string;
  /** PostgreSQL only: its timeouts and who hears of lost connections. */
  readonly postgres?: Omit<PostgresSqlClientOptions, 'connectionString'>;
}

/**
 * Opens (and migrates) the config store the location names. A PostgreSQL server that cannot be
 * reached makes it reject with `StoreUnavailableError` (after the connect or statement timeout);
 * a `dataDir` that holds an earlier PGlite database, with `PgliteDataDirError`; the apps then exit.
 */
export async function openConfigStore(location: StoreLocation): Promise<SqlConfigStore> {
  // `pg` is loaded only for PostgreSQL: the standalone gateway on its embedded store never needs it.
  const client = location.databaseUrl
    ? new (await import('./postgres.sql-client.js')).PostgresSqlClient({
        ...location.postgres,
        connectionString: location.databaseUrl,
      })
    : SqliteSqlClient.open(embeddedStorePath(location.dataDir));
  try {
    return await SqlConfigStore.open(client);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}
