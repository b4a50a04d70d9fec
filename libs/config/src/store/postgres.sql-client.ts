import pg from 'pg';
import { isConnectionFailure } from './postgres-connection-failure.js';
import { POSTGRES_DIALECT } from './postgres.dialect.js';
import { PostgresNotificationListener } from './postgres-notification-listener.js';
import { DEFAULT_POSTGRES_TIMEOUTS, type PostgresTimeouts } from './postgres-timeouts.js';
import { StoreUnavailableError } from './store-unavailable.error.js';
import type { NotificationSubscriber, SqlClient, SqlExecutor } from './sql-client.js';

/**
 * How much longer than `statement_timeout` the client waits for an answer before it gives the
 * connection up: a server that is alive always reports its own timeout first.
 */
const CLIENT_WAIT_MARGIN_MS = 1_000;

export interface PostgresSqlClientOptions {
  readonly connectionString: string;
  readonly poolSize?: number;
  /** Default `DEFAULT_POSTGRES_TIMEOUTS`. */
  readonly timeouts?: PostgresTimeouts;
  /**
   * Told of connection failures nobody was waiting on: an idle or checked-out connection that
   * broke, a `LISTEN` that was lost (with the delay before it is retried). Default: ignored.
   */
  readonly onConnectionError?: (error: Error, source: 'pool' | 'listener') => void;
}

/**
 * `SqlClient` over a `pg` connection pool: the production store (`DATABASE_URL`). Every
 * connection has an 'error' listener (a lost connection never crashes the process), every wait
 * is bounded (connect, statement, idle in transaction, TCP keepalive), and a failure to reach
 * the server surfaces as `StoreUnavailableError`. A transaction whose connection failed is
 * never committed: the connection is destroyed and the server rolls it back.
 */
export class PostgresSqlClient implements SqlClient {
  readonly dialect = POSTGRES_DIALECT;
  private readonly pool: pg.Pool;
  private readonly connection: pg.ClientConfig;
  /** `host:port`, for messages: the URL without its credentials. */
  private readonly endpoint: string;
  private readonly listeners = new Set<PostgresNotificationListener>();
  private readonly reportError: NonNullable<PostgresSqlClientOptions['onConnectionError']>;

  constructor(options: PostgresSqlClientOptions) {
    const timeouts = options.timeouts ?? DEFAULT_POSTGRES_TIMEOUTS;
    const url = new URL(options.connectionString);
    this.endpoint = `${url.hostname || 'localhost'}:${url.port || 5432}`;
    this.reportError = options.onConnectionError ?? (() => undefined);
    this.connection = {
      connectionString: options.connectionString,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
      statement_timeout: timeouts.statementTimeoutMs,
      query_timeout: timeouts.statementTimeoutMs + CLIENT_WAIT_MARGIN_MS,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: timeouts.keepAliveIdleMs,
    };
    this.pool = new pg.Pool({ ...this.connection, max: options.poolSize ?? 10 });
    // pg-pool listens for errors only while a client is idle; a checked-out client that loses its
    // connection emits 'error' with no listener, which would crash the process. So every client
    // gets one for its whole life (its query, if any, is rejected as well).
    this.pool.on('connect', (client) => client.on('error', (error) => this.reportError(error, 'pool')));
    // The pool re-emits an idle client's error here; it is reported above, and the pool drops the client.
    this.pool.on('error', () => undefined);
  }

  query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.reachable(async () => (await this.pool.query(text, params as unknown[])).rows as Row[]);
  }

  execScript(sql: string): Promise<void> {
    return this.reachable(async () => {
      await this.pool.query(sql);
    });
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.reachable(() => this.pool.connect());
    try {
      await this.reachable(() => client.query('BEGIN'));
      const result = await work({
        query: <Row>(text: string, params: readonly unknown[] = []) =>
          this.reachable(async () => (await client.query(text, params as unknown[])).rows as Row[]),
        execScript: (sql: string) =>
          this.reachable(async () => {
            await client.query(sql);
          }),
      });
      await this.reachable(() => client.query('COMMIT'));
      client.release();
      return result;
    } catch (error) {
      // A broken connection is destroyed, not rolled back over: the server rolls back what was
      // never committed when the session ends. Otherwise roll back, and reuse the connection
      // only when that worked (a client whose query timed out is unusable: pg#3399).
      const broken =
        error instanceof StoreUnavailableError
          ? error
          : await client.query('ROLLBACK').then(
              () => undefined,
              (rollbackError: unknown) => rollbackError as Error,
            );
      client.release(broken);
      throw error;
    }
  }

  async listen(channel: string, subscriber: NotificationSubscriber): Promise<() => Promise<void>> {
    const listener = new PostgresNotificationListener({
      connection: this.connection,
      channel,
      subscriber,
      onError: (error, retryInMs) =>
        this.reportError(
          new Error(
            `LISTEN ${channel} on ${this.endpoint} failed, retrying in ${retryInMs} ms: ${error.message}`,
            {
              cause: error,
            },
          ),
          'listener',
        ),
    });
    this.listeners.add(listener);
    await listener.start();
    return async () => {
      this.listeners.delete(listener);
      await listener.close();
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners].map((listener) => listener.close()));
    this.listeners.clear();
    await this.pool.end();
  }

  /** Runs one call to the server; a failure to reach it becomes `StoreUnavailableError`. */
  private async reachable<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw isConnectionFailure(error) ? new StoreUnavailableError(this.endpoint, error as Error) : error;
    }
  }
}
