import type { SqlDialect } from './sql-dialect.js';

/** Runs SQL with `$1`-style parameters; rows come back as plain objects. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements, without parameters (migrations). */
  execScript(sql: string): Promise<void>;
}

/**
 * The little the config store needs from a SQL engine. Two adapters implement it:
 * `PostgresSqlClient` (a `pg` pool, distributed mode) and `SqliteSqlClient` (`node:sqlite`,
 * embedded, on disk). Both take `$1`-style parameters, return `jsonb` columns parsed and report
 * constraint failures as PostgreSQL does (`SqlError`); what SQL differs is the `dialect`'s.
 */
export interface SqlClient extends SqlExecutor {
  /** The statements that differ between engines. */
  readonly dialect: SqlDialect;
  /** Runs `work` in one transaction; it commits if `work` resolves, rolls back if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Subscribes to `NOTIFY channel`; resolves to the function that unsubscribes. The subscription
   * survives a lost connection (the Postgres adapter re-subscribes and says so).
   */
  listen(channel: string, subscriber: NotificationSubscriber): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Who `SqlClient.listen` tells of notifications. */
export interface NotificationSubscriber {
  /** One `NOTIFY` on the channel, with its payload. */
  onPayload(payload: string): void;
  /**
   * The subscription stands again after a failure (or after failing at first): whatever was
   * notified meanwhile was lost, so re-read what notifications would have announced.
   */
  onResubscribed(): void;
}

/**
 * The fields of a PostgreSQL error that the store maps to Kong errors: the SQLSTATE (`23505`
 * unique, `23503` foreign key) and the constraint's PostgreSQL name (`<table>_pkey`,
 * `<table>_<column>_key`, `<table>_<column>_fkey`); the SQLite adapter reports its own
 * failures in these terms.
 */
export interface SqlError {
  code?: string;
  constraint?: string;
  detail?: string;
}
