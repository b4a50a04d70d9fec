/** Bounds of a reconnect backoff, in milliseconds. */
export interface BackoffBounds {
  /** The first delay's upper bound; it doubles per failed attempt. */
  readonly baseMs: number;
  /** The cap: no delay is longer, however many attempts failed. */
  readonly maxMs: number;
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first): exponential up to the cap, with
 * "equal jitter" (between half and all of it) so that processes cut off together do not all come
 * back in the same millisecond.
 */
export function reconnectDelayMs(attempt: number, bounds: BackoffBounds, random = Math.random): number {
  const ceiling = Math.min(bounds.maxMs, bounds.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
