import { PGlite } from '@electric-sql/pglite';
import type { NotificationSubscriber, SqlClient, SqlExecutor } from './sql-client.js';

/**
 * `SqlClient` over PGlite: PostgreSQL compiled to WebAssembly, in this process, persisted in a
 * directory. The embedded default when no `DATABASE_URL` is given; the same SQL runs on both.
 */
export class PgliteSqlClient implements SqlClient {
  private constructor(private readonly db: PGlite) {}

  /** Opens (creating if needed) the database in `dataDir`; `memory://` keeps it in memory. */
  static async open(dataDir: string): Promise<PgliteSqlClient> {
    const db = await PGlite.create(dataDir);
    return new PgliteSqlClient(db);
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
