import { POSTGRES_DIALECT } from './postgres.dialect.js';
import type { PGlite } from '@electric-sql/pglite';
import type { NotificationSubscriber, SqlClient, SqlExecutor } from './sql-client.js';

/**
 * `SqlClient` over PGlite (PostgreSQL compiled to WebAssembly, persisted in a directory), the
 * embedded store of earlier versions. Only `copyPgliteStore` opens one, to copy an old `DATA_DIR`
 * into SQLite: PGlite is an optional dependency, imported when that happens and never on start.
 */
export class PgliteSqlClient implements SqlClient {
  readonly dialect = POSTGRES_DIALECT;

  private constructor(private readonly db: PGlite) {}

  /** Opens the database in `dataDir`; `memory://` keeps it in memory. */
  static async open(dataDir: string): Promise<PgliteSqlClient> {
    const { PGlite } = await import('@electric-sql/pglite').catch((error: unknown) => {
      throw new Error(
        'Reading a PGlite DATA_DIR needs the optional dependency @electric-sql/pglite: ' +
          'run `npm install @electric-sql/pglite` first.',
        { cause: error },
      );
    });
    return new PgliteSqlClient(await PGlite.create(dataDir));
  }

  async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.db.query<Row>(text, params as unknown[])).rows;
  }

  async execScript(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <Row>(text: string, params: readonly unknown[] = []) =>
          (await tx.query<Row>(text, params as unknown[])).rows,
        execScript: async (sql: string) => {
          await tx.exec(sql);
        },
      }),
    );
  }

  /** In process, the subscription has no connection to lose: `onResubscribed` is never called. */
  async listen(channel: string, subscriber: NotificationSubscriber): Promise<() => Promise<void>> {
    return this.db.listen(channel, (payload) => subscriber.onPayload(payload));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
