import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createConfigBus,
  InProcessConfigBus,
  RedisConfigBus,
  type BusErrorSource,
  type ConfigBus,
  type ConfigVersionNotice,
} from './index.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const RUN_ID = (process.env['SWITCHYARD_TEST_RUN_ID'] ?? `t${randomBytes(3).toString('hex')}`).toLowerCase();

interface TestSnapshot {
  version: number;
  hash: string;
  services: { name: string; url: string }[];
}

const snapshot = (version: number, hash = `h${version}`): TestSnapshot => ({
  version,
  hash,
  services: [{ name: `svc-${version}`, url: 'http://upstream.test' }],
});

interface ReportedError {
  error: Error;
  source: BusErrorSource;
}

/** Builds buses of one adapter for one test and removes everything they left behind. */
interface BusHarness {
  create(errors?: ReportedError[]): ConfigBus<TestSnapshot>;
  cleanup(): Promise<void>;
}

const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
afterAll(() => admin.quit());

function redisHarness(): BusHarness {
  const prefix = `sy_${RUN_ID}_bus_${randomBytes(4).toString('hex')}`;
  const buses: ConfigBus<TestSnapshot>[] = [];
  return {
    create: (errors = []) => {
      const bus = new RedisConfigBus<TestSnapshot>({
        url: REDIS_URL,
        prefix,
        onError: (error, source) => errors.push({ error, source }),
      });
      buses.push(bus);
      return bus;
    },
    cleanup: async () => {
      await Promise.allSettled(buses.map((bus) => bus.close()));
      await deleteKeys(prefix);
    },
  };
}

function inProcessHarness(): BusHarness {
  const buses: ConfigBus<TestSnapshot>[] = [];
  return {
    create: (errors = []) => {
      const bus = new InProcessConfigBus<TestSnapshot>({
        onError: (error, source) => errors.push({ error, source }),
      });
      buses.push(bus);
      return bus;
    },
    cleanup: async () => {
      await Promise.all(buses.map((bus) => bus.close()));
    },
  };
}

async function deleteKeys(prefix: string): Promise<void> {
  let cursor = '0';
  for (let round = 0; round < 1_000; round++) {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
    if (keys.length > 0) await admin.del(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}

/** Polls `probe` until it returns something other than undefined; fails after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  { adapter: 'redis', harness: redisHarness },
  { adapter: 'in-process', harness: inProcessHarness },
])('config bus ($adapter)', ({ harness: makeHarness }) => {
  let harness: BusHarness;
  const setup = (errors?: ReportedError[]) => {
    harness = makeHarness();
    return harness.create(errors);
  };
  afterEach(() => harness?.cleanup());

  describe('snapshots', () => {
    it('loads the snapshot that was published', async () => {
      const bus = setup();
      const outcome = await bus.publisher.publish(snapshot(1));
      expect(outcome).toEqual({ status: 'published', current: { version: 1, hash: 'h1' } });
      await expect(bus.createSubscriber().load()).resolves.toEqual(snapshot(1));
      await expect(bus.publisher.current()).resolves.toEqual({ version: 1, hash: 'h1' });
    });

    it('loads null and reports no current version before anything is published', async () => {
      const bus = setup();
      await expect(bus.createSubscriber().load()).resolves.toBeNull();
      await expect(bus.publisher.current()).resolves.toBeNull();
    });

    it('keeps a newer version when an older one is published after it', async () => {
      const bus = setup();
      await bus.publisher.publish(snapshot(5));
      const outcome = await bus.publisher.publish(snapshot(4));
      expect(outcome).toEqual({ status: 'stale', current: { version: 5, hash: 'h5' } });
      await expect(bus.createSubscriber().load()).resolves.toEqual(snapshot(5));
    });

    it('ends with the highest version when many publishers race', async () => {
      const bus = setup();
      const other = harness.create();
      const versions = [7, 2, 9, 1, 8, 3, 6, 4, 5, 10, 0];
      await Promise.all(versions.map((v, i) => (i % 2 ? bus : other).publisher.publish(snapshot(v))));
      await expect(bus.publisher.current()).resolves.toEqual({ version: 10, hash: 'h10' });
      await expect(bus.createSubscriber().load()).resolves.toEqual(snapshot(10));
    });

    it('treats the same version again as unchanged, and with another hash as a conflict', async () => {
      const bus = setup();
      await bus.publisher.publish(snapshot(3));
      await expect(bus.publisher.publish(snapshot(3))).resolves.toMatchObject({ status: 'unchanged' });
      await expect(bus.publisher.publish(snapshot(3, 'other'))).resolves.toEqual({
        status: 'conflict',
        current: { version: 3, hash: 'h3' },
      });
      await expect(bus.createSubscriber().load()).resolves.toEqual(snapshot(3));
    });

    it('rejects a snapshot without a usable version or hash', async () => {
      const bus = setup();
      await expect(bus.publisher.publish({ ...snapshot(1), version: 1.5 })).rejects.toThrow(TypeError);
      await expect(bus.publisher.publish({ ...snapshot(1), hash: '' })).rejects.toThrow(TypeError);
      await expect(bus.publisher.current()).resolves.toBeNull();
    });

    it('gives each load its own copy of the snapshot', async () => {
      const bus = setup();
      await bus.publisher.publish(snapshot(1));
      const subscriber = bus.createSubscriber();
      const first = await subscriber.load();
      first!.services.push({ name: 'mutated', url: 'http://x.test' });
      await expect(subscriber.load()).resolves.toEqual(snapshot(1));
    });
  });

  describe('announcements', () => {
    it('announces a published version to subscribers within milliseconds', async () => {
      const bus = setup();
      await bus.publisher.publish(snapshot(1));
      const subscribers = [bus.createSubscriber({ reconcileIntervalMs: 60_000 }), bus.createSubscriber()];
      const seen = subscribers.map(() => [] as { notice: ConfigVersionNotice; at: number }[]);
      subscribers.forEach((s, i) =>
        s.onUpdate((notice) => void seen[i]!.push({ notice, at: performance.now() })),
      );
      // The stored version is announced once the subscription is live.
      await waitFor('the initial announcements', () =>
        seen.every((s) => s.length === 1) ? true : undefined,
      );

      const publishedAt = performance.now();
      await bus.publisher.publish(snapshot(2));
      await waitFor('the announcements of version 2', () =>
        seen.every((s) => s.length === 2) ? true : undefined,
      );
      for (const calls of seen) {
        expect(calls.map((c) => c.notice)).toEqual([
          { version: 1, hash: 'h1' },
          { version: 2, hash: 'h2' },
        ]);
        expect(calls[1]!.at - publishedAt).toBeLessThan(200);
      }
    });

    it('announces versions in increasing order, each at most once', async () => {
      const bus = setup();
      const subscriber = bus.createSubscriber();
      const versions: number[] = [];
      subscriber.onUpdate((notice) => void versions.push(notice.version));
      await bus.publisher.publish(snapshot(1));
      await waitFor('version 1', () => (versions.includes(1) ? true : undefined));
      for (const v of [2, 3, 4, 5]) await bus.publisher.publish(snapshot(v));
      await bus.publisher.publish(snapshot(3));
      await waitFor('version 5', () => (versions.includes(5) ? true : undefined));
      expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
      expect(versions.at(-1)).toBe(5);
    });

    it('does not announce the version the consumer already loaded', async () => {
      const bus = setup();
      await bus.publisher.publish(snapshot(1));
      const subscriber = bus.createSubscriber();
      await expect(subscriber.load()).resolves.toEqual(snapshot(1));
      const versions: number[] = [];
      subscriber.onUpdate((notice) => void versions.push(notice.version));
      await sleep(100);
      await bus.publisher.publish(snapshot(2));
      await waitFor('version 2', () => (versions.includes(2) ? true : undefined));
      expect(versions).toEqual([2]);
    });

    it('stops calling a listener once it is removed', async () => {
      const bus = setup();
      const subscriber = bus.createSubscriber();
      const kept: number[] = [];
      const removed: number[] = [];
      subscriber.onUpdate((notice) => void kept.push(notice.version));
      const remove = subscriber.onUpdate((notice) => void removed.push(notice.version));
      await bus.publisher.publish(snapshot(1));
      await waitFor('version 1', () => (kept.includes(1) ? true : undefined));
      remove();
      await bus.publisher.publish(snapshot(2));
      await waitFor('version 2', () => (kept.includes(2) ? true : undefined));
      expect(removed).toEqual([1]);
    });

    it('reports a failing listener and still calls the others', async () => {
      const errors: ReportedError[] = [];
      const bus = setup(errors);
      const subscriber = bus.createSubscriber();
      const versions: number[] = [];
      subscriber.onUpdate(() => {
        throw new Error('sync listener failure');
      });
      subscriber.onUpdate(async () => {
        throw new Error('async listener failure');
      });
      subscriber.onUpdate((notice) => void versions.push(notice.version));
      await bus.publisher.publish(snapshot(1));
      await waitFor('version 1', () => (versions.includes(1) ? true : undefined));
      await waitFor('both reports', () => (errors.length >= 2 ? true : undefined));
      expect(errors.map((e) => [e.source, e.error.message]).sort()).toEqual([
        ['listener', 'async listener failure'],
        ['listener', 'sync listener failure'],
      ]);
    });

    it('stops announcing once the subscriber is closed', async () => {
      const bus = setup();
      const subscriber = bus.createSubscriber();
      const versions: number[] = [];
      subscriber.onUpdate((notice) => void versions.push(notice.version));
      await bus.publisher.publish(snapshot(1));
      await waitFor('version 1', () => (versions.includes(1) ? true : undefined));
      await subscriber.close();
      await bus.publisher.publish(snapshot(2));
      await sleep(100);
      expect(versions).toEqual([1]);
      await expect(subscriber.load()).resolves.toBeNull();
    });
  });

  describe('sync reports', () => {
    it("keeps config-sync's last report, replaced by the next, for the admin to read", async () => {
      const bus = setup();
      await expect(bus.syncReports.read()).resolves.toBeNull();
      const refused = {
        published_version: 3,
        refused: { version: 4, problems: ['routes r1: invalid header regex'] },
        reported_at: new Date().toISOString(),
      };
      await bus.syncReports.write(refused);
      await expect(bus.syncReports.read()).resolves.toEqual(refused);
      const published = { published_version: 5, refused: null, reported_at: new Date().toISOString() };
      await bus.syncReports.write(published);
      await expect(bus.syncReports.read()).resolves.toEqual(published);
    });
  });

  describe('heartbeats', () => {
    const node = (id: string, config: () => ConfigVersionNotice | null) => ({
      id,
      hostname: `${id}.local`,
      ip: '10.0.0.7',
      version: '0.1.0',
      labels: { region: 'eu' },
      currentConfig: config,
    });

    it('lists the live data planes with the config they serve', async () => {
      const bus = setup();
      let served: ConfigVersionNotice | null = null;
      const before = Math.floor(Date.now() / 1000);
      const reporters = [
        bus.createHeartbeatReporter({ ...node('dp-b', () => served), intervalMs: 60_000 }),
        bus.createHeartbeatReporter({
          ...node('dp-a', () => ({ version: 1, hash: 'h1' })),
          intervalMs: 60_000,
        }),
      ];
      await Promise.all(reporters.map((r) => r.beat()));
      const planes = await bus.heartbeats.list();
      expect(planes.map((p) => p.id)).toEqual(['dp-a', 'dp-b']);
      expect(planes[0]).toEqual({
        id: 'dp-a',
        hostname: 'dp-a.local',
        ip: '10.0.0.7',
        version: '0.1.0',
        config_version: 1,
        config_hash: 'h1',
        last_seen: expect.any(Number),
        labels: { region: 'eu' },
      });
      expect(planes[1]).toMatchObject({ config_version: null, config_hash: null });
      expect(planes[0]!.last_seen).toBeGreaterThanOrEqual(before);
      expect(planes[0]!.last_seen).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));

      served = { version: 2, hash: 'h2' };
      await reporters[0]!.beat();
      await expect(bus.heartbeats.list()).resolves.toContainEqual(
        expect.objectContaining({ id: 'dp-b', config_version: 2, config_hash: 'h2' }),
      );
    });

    it('keeps a reporting node listed and drops it once its heartbeat expires', async () => {
      const bus = setup();
      const reporter = bus.createHeartbeatReporter({
        ...node('dp-1', () => null),
        intervalMs: 50,
        ttlMs: 200,
      });
      await reporter.beat();
      await sleep(400);
      expect((await bus.heartbeats.list()).map((p) => p.id)).toEqual(['dp-1']);

      await reporter.close();
      const stoppedAt = Date.now();
      expect((await bus.heartbeats.list()).map((p) => p.id)).toEqual(['dp-1']);
      let planes = await bus.heartbeats.list();
      for (let i = 0; planes.length > 0 && i < 100; i++) {
        await sleep(20);
        planes = await bus.heartbeats.list();
      }
      expect(planes).toEqual([]);
      expect(Date.now() - stoppedAt).toBeLessThan(1_000);
    });
  });
});

describe('createConfigBus', () => {
  it('picks the in-process adapter without a Redis URL and the Redis adapter with one', async () => {
    const inProcess = createConfigBus({ redisUrl: '' });
    const redis = createConfigBus({ redisUrl: REDIS_URL, prefix: `sy_${RUN_ID}_bus_factory` });
    try {
      expect(inProcess).toBeInstanceOf(InProcessConfigBus);
      expect(redis).toBeInstanceOf(RedisConfigBus);
    } finally {
      await Promise.all([inProcess.close(), redis.close()]);
    }
  });
});
