import { PgliteSqlClient } from './pglite.sql-client.js';
import { PostgresSqlClient } from './postgres.sql-client.js';
import { SqlConfigStore } from './sql-config-store.js';

/** Where the config lives: PostgreSQL when a URL is given, else PGlite under `dataDir`. */
export interface StoreLocation {
  readonly databaseUrl?: string;
  /** PGlite's directory; `memory://` for a throwaway store. */
  readonly dataDir: string;
}

/** Opens (and migrates) the config store the location names. */
export async function openConfigStore(location: StoreLocation): Promise<SqlConfigStore> {
  const client = location.databaseUrl
    ? new PostgresSqlClient(location.databaseUrl)
    : await PgliteSqlClient.open(location.dataDir);
  return SqlConfigStore.open(client);
}
