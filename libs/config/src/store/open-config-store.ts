import { PgliteSqlClient } from './pglite.sql-client.js';
import { PostgresSqlClient, type PostgresSqlClientOptions } from './postgres.sql-client.js';
import { SqlConfigStore } from './sql-config-store.js';

/** Where the config lives: PostgreSQL when a URL is given, else PGlite under `dataDir`. */
export interface StoreLocation {
  readonly databaseUrl?: string;
  /** PGlite's directory; `memory://` for a throwaway store. */
  readonly dataDir: string;
  /** PostgreSQL only: its timeouts and who hears of lost connections. */
  readonly postgres?: Omit<PostgresSqlClientOptions, 'connectionString'>;
}

/**
 * Opens (and migrates) the config store the location names. A PostgreSQL server that cannot be
 * reached makes it reject with `StoreUnavailableError` (after the connect or statement timeout);
 * the apps then exit, to be restarted by their supervisor.
 */
export async function openConfigStore(location: StoreLocation): Promise<SqlConfigStore> {
  const client = location.databaseUrl
    ? new PostgresSqlClient({ ...location.postgres, connectionString: location.databaseUrl })
    : await PgliteSqlClient.open(location.dataDir);
  try {
    return await SqlConfigStore.open(client);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}
