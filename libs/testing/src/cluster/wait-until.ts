/** Bounds of one wait: how long in total, and how often to look. */
export interface WaitOptions {
  /** Milliseconds before giving up. Default 10000. */
  readonly timeoutMs?: number;
  /** Milliseconds between two looks. Default 20. */
  readonly intervalMs?: number;
}

/**
 * Calls `probe` until it returns something other than `undefined`, and resolves with that.
 * A probe that throws counts as "not yet" (a process still booting refuses connections); the
 * last error goes into the timeout message, with `what` (a function is called then, so that it
 * can describe the latest state it observed).
 */
export async function waitUntil<T>(
  what: string | (() => string),
  probe: () => T | undefined | Promise<T | undefined>,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const description = typeof what === 'function' ? what() : what;
      const cause =
        lastError === undefined ? '' : ` (last error: ${(lastError as Error).message ?? String(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
    }
    await sleep(intervalMs);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
