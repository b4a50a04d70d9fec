/**
 * The config store could not be reached, or did not answer in time: a connection refused or lost,
 * a connect or statement timeout, a server shutting down. Transient by nature; the Admin API
 * answers it with 503 and `Retry-After`. A write that fails this way was rolled back, unless the
 * connection was lost while its COMMIT was under way (then the store may hold it: read it back).
 * The message names the server's `host:port`, never the credentials of its URL.
 */
export class StoreUnavailableError extends Error {
  constructor(
    /** `host:port` of the PostgreSQL server. */
    readonly endpoint: string,
    cause: Error,
  ) {
    super(
      `The config store (PostgreSQL at ${endpoint}) is unreachable: ${cause.message}. Retry when it is back.`,
      { cause },
    );
    this.name = 'StoreUnavailableError';
  }
}
