import type { CounterWindow, WindowType, WindowUsage } from '@switchyard/plugin-api';

/** The start (epoch seconds) of the bucket of a `size`-second window that holds `now`. */
export function bucketStart(now: number, size: number): number {
  return Math.floor(now / size) * size;
}

/**
 * Kong's window count: the current bucket, plus for a sliding window the previous bucket weighted
 * by the part of it still inside the window that ends now.
 */
export function windowCount(
  now: number,
  size: number,
  type: WindowType,
  current: number,
  previous: number,
): number {
  if (type === 'fixed') return current;
  const elapsed = now - bucketStart(now, size);
  return current + (previous * (size - elapsed)) / size;
}

/** A window's state to report, `used` counted at `now`. */
export function windowUsage(window: CounterWindow, now: number, used: number): WindowUsage {
  return {
    size: window.size,
    limit: window.limit,
    used,
    resetSeconds: bucketStart(now, window.size) + window.size - now,
  };
}
