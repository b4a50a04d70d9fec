import type {
  CounterStore,
  CounterWindow,
  Reservation,
  ReservedBucket,
  WindowType,
  WindowUsage,
} from '@switchyard/plugin-api';
import { bucketStart, windowCount, windowUsage } from './window-math.js';

/** Seconds since the epoch, with sub-second precision. */
export type Clock = () => number;

const systemClock: Clock = () => Date.now() / 1000;

/**
 * Counters in this process's memory: exact for one process (its checks and updates are
 * synchronous, so atomic), shared with nobody else. Buckets older than the one before the
 * current one are dropped as they are passed.
 */
export class LocalCounterStore implements CounterStore {
  readonly kind = 'local';
  /** Bucket amounts by `key|size|start`, with the epoch second after which each may go. */
  private readonly buckets = new Map<string, { amount: number; expires: number }>();
  private lastSweep = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  reserve(
    key: string,
    windows: readonly CounterWindow[],
    amount: number,
    type: WindowType,
  ): Promise<Reservation> {
    const now = this.clock();
    this.sweep(now);
    const counted = windows.map((window) => this.count(key, window, type, now));
    // A window at its limit refuses even a request reserving nothing ahead (a `cost` budget).
    const granted = counted.every(
      (used, i) => used < windows[i]!.limit && used + amount <= windows[i]!.limit,
    );
    const buckets: ReservedBucket[] = [];
    if (granted) {
      for (const window of windows) {
        const start = bucketStart(now, window.size);
        this.add(key, window.size, start, amount);
        buckets.push({ size: window.size, start });
      }
    }
    return Promise.resolve({
      granted,
      windows: windows.map((window, i) => windowUsage(window, now, counted[i]! + (granted ? amount : 0))),
      buckets,
    });
  }

  settle(key: string, buckets: readonly ReservedBucket[], delta: number): Promise<void> {
    for (const bucket of buckets) {
      const stored = this.buckets.get(bucketKey(key, bucket.size, bucket.start));
      if (stored) stored.amount = Math.max(0, stored.amount + delta);
    }
    return Promise.resolve();
  }

  usage(key: string, windows: readonly CounterWindow[], type: WindowType): Promise<readonly WindowUsage[]> {
    const now = this.clock();
    return Promise.resolve(
      windows.map((window) => windowUsage(window, now, this.count(key, window, type, now))),
    );
  }

  private count(key: string, window: CounterWindow, type: WindowType, now: number): number {
    const start = bucketStart(now, window.size);
    const current = this.buckets.get(bucketKey(key, window.size, start))?.amount ?? 0;
    const previous = this.buckets.get(bucketKey(key, window.size, start - window.size))?.amount ?? 0;
    return windowCount(now, window.size, type, current, previous);
  }

  private add(key: string, size: number, start: number, amount: number): void {
    const name = bucketKey(key, size, start);
    const stored = this.buckets.get(name);
    if (stored) stored.amount += amount;
    // Read while it is the current bucket and, for sliding windows, the previous one.
    else this.buckets.set(name, { amount, expires: start + 2 * size });
  }

  /** Drops expired buckets, at most once a second. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 1) return;
    this.lastSweep = now;
    for (const [name, bucket] of this.buckets) if (bucket.expires <= now) this.buckets.delete(name);
  }
}

function bucketKey(key: string, size: number, start: number): string {
  return `${key}|${size}|${start}`;
}
