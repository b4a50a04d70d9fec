import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CounterStore, CounterWindow } from '@switchyard/plugin-api';
import { deleteRedisKeys, FlakyTcpProxy, TEST_REDIS_URL, uniqueTestName } from '@switchyard/testing';
import { LocalCounterStore } from './local-counter-store.js';
import { openPluginCounters } from './counter-store.factory.js';
import { RedisCounterStore } from './redis-counter-store.js';

const MINUTE: readonly CounterWindow[] = [{ size: 60, limit: 100 }];

/** The behaviour both stores promise (their clocks differ: the local one is driven by the test). */
function describeStore(name: string, open: () => { store: CounterStore; key: string }): void {
  describe(`${name}: the CounterStore contract`, () => {
    it('grants reservations while they fit and refuses the one that would go over, adding nothing', async () => {
      const { store, key } = open();
      expect((await store.reserve(key, MINUTE, 60, 'fixed')).granted).toBe(true);
      const refused = await store.reserve(key, MINUTE, 41, 'fixed');
      expect(refused.granted).toBe(false);
      expect(refused.buckets).toEqual([]);
      expect(refused.windows[0]!.used).toBe(60);
      const fits = await store.reserve(key, MINUTE, 40, 'fixed');
      expect(fits.granted).toBe(true);
      expect(fits.windows[0]!.used).toBe(100);
    });

    it('settles a reservation to the real amount and refuses everything at the limit', async () => {
      const { store, key } = open();
      const held = await store.reserve(key, MINUTE, 50, 'fixed');
      await store.settle(key, held.buckets, 30); // the answer used 80
      expect((await store.usage(key, MINUTE, 'fixed'))[0]!.used).toBe(80);
      await store.settle(key, held.buckets, 20);
      expect((await store.reserve(key, MINUTE, 0, 'fixed')).granted).toBe(false);
    });

    it('checks every window at once: one full window refuses the request in all', async () => {
      const { store, key } = open();
      const windows = [
        { size: 60, limit: 1_000 },
        { size: 3_600, limit: 50 },
      ];
      expect((await store.reserve(key, windows, 50, 'sliding')).granted).toBe(true);
      const refused = await store.reserve(key, windows, 1, 'sliding');
      expect(refused.granted).toBe(false);
      expect(refused.windows.map((w) => w.used)).toEqual([50, 50]);
    });
  });
}

describe('LocalCounterStore', () => {
  let now = 1_000_020; // 20 s into a minute bucket (1_000_000 is not a multiple of 60: 999_960 is)
  const store = new LocalCounterStore(() => now);
  let keys = 0;
  describeStore('local', () => ({ store, key: `k${++keys}` }));

  it('weighs the previous bucket of a sliding window by its part still inside the window', async () => {
    now = 999_960 + 30; // halfway through a bucket
    await store.reserve('slide', MINUTE, 80, 'sliding');
    now += 60; // halfway through the next: the previous 80 counts 40
    const [usage] = await store.usage('slide', MINUTE, 'sliding');
    expect(usage!.used).toBe(40);
    expect(usage!.resetSeconds).toBe(30);
    const [fixed] = await store.usage('slide', MINUTE, 'fixed');
    expect(fixed!.used).toBe(0);
  });

  it('forgets a bucket once the window after it is over', async () => {
    now = 2_000_040;
    await store.reserve('old', MINUTE, 100, 'sliding');
    now += 120;
    expect((await store.reserve('old', MINUTE, 100, 'sliding')).granted).toBe(true);
  });
});

describe('RedisCounterStore', () => {
  const prefix = uniqueTestName('counters');
  const redis = new Redis(TEST_REDIS_URL);
  const store = new RedisCounterStore(redis, prefix);
  let keys = 0;
  afterAll(async () => {
    await deleteRedisKeys(redis, prefix);
    redis.disconnect();
  });
  describeStore('redis', () => ({ store, key: `k${++keys}` }));

  it('keeps its buckets under the deployment prefix, expiring after two windows', async () => {
    await store.reserve('ttl', MINUTE, 1, 'fixed');
    const [key] = await redis.keys(`${prefix}:ai-rate-limiting:ttl:60:*`);
    expect(key).toBeDefined();
    const ttl = await redis.ttl(key!);
    expect(ttl).toBeGreaterThan(60);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('never lets concurrent reservations together past the limit', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 40 }, () => store.reserve('race', MINUTE, 7, 'fixed')),
    );
    expect(attempts.filter((a) => a.granted)).toHaveLength(14); // 14 × 7 = 98 ≤ 100 < 105
    expect((await store.usage('race', MINUTE, 'fixed'))[0]!.used).toBe(98);
  });
});

describe('openPluginCounters with Redis unreachable', () => {
  const prefix = uniqueTestName('counters_outage');
  let proxy: FlakyTcpProxy | undefined;
  afterEach(() => proxy?.close());

  it('rejects within the command timeout while Redis hangs, and counts again once it answers', async () => {
    proxy = await FlakyTcpProxy.start(new URL(TEST_REDIS_URL));
    const opened = openPluginCounters({
      redisUrl: proxy.url,
      prefix,
      commandTimeoutMs: 200,
      onError: () => undefined,
    });
    const { shared } = opened.counters;
    try {
      await expect
        .poll(() =>
          shared.usage('x', MINUTE, 'fixed').then(
            () => true,
            () => false,
          ),
        )
        .toBe(true);
      proxy.pause();
      const started = performance.now();
      await expect(shared.reserve('x', MINUTE, 1, 'fixed')).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(1_000);
      proxy.resume();
      proxy.cut();
      await expect(shared.reserve('x', MINUTE, 1, 'fixed')).rejects.toThrow();
      proxy.restore();
      await expect
        .poll(
          () =>
            shared.reserve('x', MINUTE, 1, 'fixed').then(
              (r) => r.granted,
              () => false,
            ),
          { timeout: 5_000 },
        )
        .toBe(true);
    } finally {
      await opened.close();
      const redis = new Redis(TEST_REDIS_URL);
      await deleteRedisKeys(redis, prefix);
      redis.disconnect();
    }
  });
});
