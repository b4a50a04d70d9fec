/** A value now, or later when some asynchronous step is needed. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Runs `then` once the authenticator's work is done: at once when it finished synchronously
 * (header placement, the common case: no promise, no microtask on the request path), after the
 * promise when it is asynchronous (a signature, a token fetch).
 */
export function afterAuthentication<T>(pending: void | Promise<void>, then: () => T): MaybePromise<T> {
  return pending ? pending.then(then) : then();
}
