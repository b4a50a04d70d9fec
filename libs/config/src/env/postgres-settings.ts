import { IsInt, Min } from 'class-validator';
import { DEFAULT_POSTGRES_TIMEOUTS } from '../store/postgres-timeouts.js';
import type { StoreLocation } from '../store/open-config-store.js';
import type { StoreSettings } from './common-settings.js';

/**
 * How long the apps that open the config store (admin, config-sync, standalone) wait for
 * PostgreSQL, read with `loadEnvironment` beside each app's own settings. Unused on the embedded
 * store. The README's table lists them.
 */
export class PostgresSettings {
  /** Milliseconds to open a connection, or to wait for a free one in the pool. */
  @IsInt() @Min(100) DATABASE_CONNECT_TIMEOUT_MS = DEFAULT_POSTGRES_TIMEOUTS.connectTimeoutMs;

  /**
   * Milliseconds one statement may run (the server's `statement_timeout`); the client gives a
   * connection up when the server has not answered a second after that.
   */
  @IsInt() @Min(100) DATABASE_STATEMENT_TIMEOUT_MS = DEFAULT_POSTGRES_TIMEOUTS.statementTimeoutMs;

  /**
   * Milliseconds a transaction may sit idle before the server ends its session
   * (`idle_in_transaction_session_timeout`): a writer cut off mid-transaction releases its locks.
   */
  @IsInt() @Min(100) DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS =
    DEFAULT_POSTGRES_TIMEOUTS.idleInTransactionTimeoutMs;

  /** Milliseconds of silence before TCP keepalive probes check a connection (a dead peer is found). */
  @IsInt() @Min(1000) DATABASE_KEEPALIVE_IDLE_MS = DEFAULT_POSTGRES_TIMEOUTS.keepAliveIdleMs;
}

/** Where `storeLocation` reports connection failures: the app's logger. */
export interface StoreConnectionLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Where an app's settings put the config store, with PostgreSQL's timeouts; connection failures
 * nobody waits on (a lost `LISTEN`, a broken idle connection) are logged at warn.
 */
export function storeLocation(
  settings: Pick<StoreSettings, 'DATABASE_URL' | 'DATA_DIR'>,
  postgres: PostgresSettings,
  logger: StoreConnectionLogger,
): StoreLocation {
  return {
    databaseUrl: settings.DATABASE_URL,
    dataDir: settings.DATA_DIR,
    postgres: {
      timeouts: {
        connectTimeoutMs: postgres.DATABASE_CONNECT_TIMEOUT_MS,
        statementTimeoutMs: postgres.DATABASE_STATEMENT_TIMEOUT_MS,
        idleInTransactionTimeoutMs: postgres.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
        keepAliveIdleMs: postgres.DATABASE_KEEPALIVE_IDLE_MS,
      },
      onConnectionError: (error, source) =>
        logger.warn('config store connection error', { source, error: error.message }),
    },
  };
}
