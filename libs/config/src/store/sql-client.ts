/** Runs SQL with `$1`-style parameters; rows come back as plain objects. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements, without parameters (migrations). */
  execScript(sql: string): Promise<void>;
}

/**
 * The little the config store needs from a PostgreSQL engine. Two adapters implement it:
 * `PostgresSqlClient` (a `pg` pool, production) and `PgliteSqlClient` (embedded, on disk).
 */
export interface SqlClient extends SqlExecutor {
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

/** The fields of a PostgreSQL error that the store maps to Kong errors (pg and PGlite alike). */
export interface SqlError {
  code?: string;
  constraint?: string;
  detail?: string;
}
