import { describe, expect, it } from 'vitest';
import { loadEnvironment } from './environment.js';
import { PostgresSettings, storeLocation } from './postgres-settings.js';

describe('PostgresSettings', () => {
  it('gives the store timeouts of a few seconds by default, and takes them from the environment', () => {
    const location = storeLocation(
      { DATABASE_URL: 'postgres://db:5432/switchyard', DATA_DIR: './data' },
      loadEnvironment(PostgresSettings, { DATABASE_STATEMENT_TIMEOUT_MS: '2500' }),
      { warn: () => undefined },
    );
    expect(location.postgres?.timeouts).toEqual({
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 2_500,
      idleInTransactionTimeoutMs: 10_000,
      keepAliveIdleMs: 10_000,
    });
  });

  it('refuses a timeout that is not a number of milliseconds, naming it', () => {
    expect(() => loadEnvironment(PostgresSettings, { DATABASE_CONNECT_TIMEOUT_MS: '5s' })).toThrow(
      /DATABASE_CONNECT_TIMEOUT_MS/,
    );
  });

  it('logs the connection failures nobody waits on at warn', () => {
    const warnings: unknown[] = [];
    const location = storeLocation(
      { DATABASE_URL: undefined, DATA_DIR: 'memory://' },
      new PostgresSettings(),
      {
        warn: (message, fields) => warnings.push([message, fields]),
      },
    );
    location.postgres?.onConnectionError?.(new Error('Connection terminated unexpectedly'), 'listener');
    expect(warnings).toEqual([
      ['config store connection error', { source: 'listener', error: 'Connection terminated unexpectedly' }],
    ]);
  });
});
