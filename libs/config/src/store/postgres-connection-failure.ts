import pg from 'pg';

/**
 * SQLSTATEs of a server that cannot serve now, rather than of a statement it refused: connection
 * exceptions (class 08), insufficient resources (53: too many connections, disk full), shutdown
 * or startup (57P01-57P03), a statement cancelled by `statement_timeout` (57014: nothing else
 * cancels ours) and a session ended by `idle_in_transaction_session_timeout` (25P03).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3]$|57014$|25P03$)/;

/** What `pg` and `pg-pool` throw when a connection fails or times out (they carry no code). */
const DRIVER_CONNECTION_MESSAGES = [
  /^Connection terminated/, // lost, or ended by `connectionTimeoutMillis`
  /^timeout exceeded when trying to connect$/, // no pool slot within `connectionTimeoutMillis`
  /^timeout expired$/, // a client's own connect timeout
  /^Query read timeout$/, // `query_timeout`: the server did not answer at all
  /is not queryable$/, // a query on a client whose connection already failed
];

/**
 * Whether `error`, thrown by a `pg` call, says the store is unreachable (retry later) rather than
 * that the statement was wrong (a constraint, a syntax error: the caller's problem). Socket errors
 * carry a Node `code` (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, `ENOTFOUND`, ...).
 */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return UNAVAILABLE_SQLSTATE.test(error.code ?? '');
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return true;
  return DRIVER_CONNECTION_MESSAGES.some((message) => message.test(error.message));
}
