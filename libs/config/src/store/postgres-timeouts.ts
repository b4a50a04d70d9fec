/** How long the store may take, in milliseconds (see `PostgresSettings` for their meaning). */
export interface PostgresTimeouts {
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly idleInTransactionTimeoutMs: number;
  readonly keepAliveIdleMs: number;
}

/** The gateway's defaults: a store that does not answer within seconds is reported unreachable. */
export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = {
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 5_000,
  idleInTransactionTimeoutMs: 10_000,
  keepAliveIdleMs: 10_000,
};
