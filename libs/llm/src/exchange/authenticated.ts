/** A value now, or later when some asynchronous step is needed. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Runs `then` once `pending` work is done: at once when it finished synchronously (an
 * authenticator's header placement, an answer sent uncompressed: the common cases, no promise
 * and no microtask on the request path), after the promise when it is asynchronous (a signature,
 * a token fetch, a compression).
 */
export function afterPending<T>(pending: void | Promise<void>, then: () => T): MaybePromise<T> {
  return pending ? pending.then(then) : then();
}
