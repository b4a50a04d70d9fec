import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  asPostgresUniqueError,
  foreignKeyViolation,
  isDeferredForeignKeyFailure,
} from './sqlite-constraint-error.js';
import { SQLITE_DIALECT } from './sqlite.dialect.js';
import type { NotificationSubscriber, SqlClient, SqlExecutor } from './sql-client.js';

/** How many prepared statements are kept (the store's statements are a few dozen shapes). */
const STATEMENT_CACHE_SIZE = 256;

/** A prepared statement and which of its result columns are declared `jsonb` (parsed on read). */
interface Prepared {
  readonly statement: StatementSync;
  readonly jsonColumns: readonly string[];
}

/**
 * `SqlClient` over `node:sqlite` (`DatabaseSync`, built into Node): the embedded store, one
 * file, in this process. It speaks the store's contract as the PostgreSQL adapter does:
 * - `$1`-style parameters (SQLite's `?1`); arrays and objects bind as JSON text, booleans as 0/1;
 *   columns declared `jsonb` come back parsed;
 * - unique and foreign-key failures as PostgreSQL's SQLSTATE and constraint names
 *   (`sqlite-constraint-error.ts`; foreign keys are deferred to COMMIT, where they can be named);
 * - `pg_notify(channel, payload)` as a SQL function whose notifications reach `listen`'s
 *   subscribers once the transaction commits (none if it rolls back), as PostgreSQL's NOTIFY.
 * The connection is synchronous and shared: transactions and queries take turns, so that no
 * statement ever runs inside another caller's open transaction.
 */
export class SqliteSqlClient implements SqlClient {
  readonly dialect = SQLITE_DIALECT;
  private readonly statements = new Map<string, Prepared>();
  private readonly subscribers = new Map<string, Set<NotificationSubscriber>>();
  /** Notifications of the running statement or transaction, delivered on commit. */
  private outbox: { channel: string; payload: string }[] = [];
  /** The end of the queue of callers waiting for the connection. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly executor: SqlExecutor = {
    query: async <Row>(text: string, params?: readonly unknown[]) => this.run<Row>(text, params),
    execScript: async (sql: string) => this.exec(sql),
  };

  private constructor(private readonly db: DatabaseSync) {
    db.function('pg_notify', (channel, payload) => {
      this.outbox.push({ channel: String(channel), payload: String(payload) });
      return null;
    });
  }

  /**
   * Opens (creating if needed) the database file at `path`, or an in-memory one for `:memory:`:
   * write-ahead log, foreign keys enforced, and a wait of up to 5 s for another process's lock.
   */
  static open(path: string): SqliteSqlClient {
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    return new SqliteSqlClient(db);
  }

  query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.inTurn(() => {
      const rows = this.run<Row>(text, params);
      this.deliver();
      return rows;
    });
  }

  execScript(sql: string): Promise<void> {
    return this.inTurn(() => {
      this.exec(sql);
      this.deliver();
    });
  }

  /**
   * `BEGIN IMMEDIATE` (the write lock at once: no deadlock between processes upgrading locks).
   * `work` must use `tx`: the client's own `query` waits until the transaction has ended.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.executor);
        this.commit();
        this.deliver();
        return result;
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        this.outbox = [];
        throw error;
      }
    });
  }

  /** In process, the subscription has no connection to lose: `onResubscribed` is never called. */
  async listen(channel: string, subscriber: NotificationSubscriber): Promise<() => Promise<void>> {
    const subscribers = this.subscribers.get(channel) ?? new Set();
    this.subscribers.set(channel, subscribers.add(subscriber));
    return async () => {
      subscribers.delete(subscriber);
    };
  }

  /** Closes the file once the callers already waiting are done. */
  close(): Promise<void> {
    return this.inTurn(() => {
      this.subscribers.clear();
      this.statements.clear();
      if (this.db.isOpen) this.db.close();
    });
  }

  /** Runs `use` once every caller queued before it is done. */
  private inTurn<T>(use: () => T | Promise<T>): Promise<T> {
    const turn = this.queue.then(use);
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private run<Row>(text: string, params: readonly unknown[] = []): Row[] {
    const { statement, jsonColumns } = this.prepare(text);
    let rows: Record<string, unknown>[];
    try {
      rows = statement.all(...params.map(toSqliteValue)) as Record<string, unknown>[];
    } catch (error) {
      throw asPostgresUniqueError(error);
    }
    for (const row of rows) {
      for (const column of jsonColumns) {
        if (typeof row[column] === 'string') row[column] = JSON.parse(row[column]);
      }
    }
    return rows as Row[];
  }

  private exec(sql: string): void {
    try {
      this.db.exec(sql);
    } catch (error) {
      throw asPostgresUniqueError(error);
    }
  }

  /** COMMIT; a deferred foreign key it fails on is named while the transaction is still open. */
  private commit(): void {
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      throw isDeferredForeignKeyFailure(error, this.db) ? foreignKeyViolation(this.db, error) : error;
    }
  }

  /** Hands the committed notifications to the channel's subscribers, after this turn (as a NOTIFY arrives). */
  private deliver(): void {
    const sent = this.outbox;
    this.outbox = [];
    for (const { channel, payload } of sent) {
      for (const subscriber of this.subscribers.get(channel) ?? []) {
        setImmediate(() => subscriber.onPayload(payload));
      }
    }
  }

  private prepare(text: string): Prepared {
    const cached = this.statements.get(text);
    if (cached) return cached;
    const statement = this.db.prepare(text.replace(/\$(\d+)/g, '?$1'));
    const jsonColumns = statement
      .columns()
      .filter((column) => column.type?.toLowerCase() === 'jsonb')
      .map((column) => column.name);
    if (this.statements.size >= STATEMENT_CACHE_SIZE) {
      this.statements.delete(this.statements.keys().next().value!);
    }
    const prepared = { statement, jsonColumns };
    this.statements.set(text, prepared);
    return prepared;
  }
}

/** A parameter as SQLite binds it: JSON text for arrays and objects, 0/1 for booleans, null for undefined. */
function toSqliteValue(value: unknown): null | number | bigint | string | Uint8Array {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value;
  return JSON.stringify(value);
}
