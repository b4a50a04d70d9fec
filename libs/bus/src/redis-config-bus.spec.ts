import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FlakyTcpProxy } from '@switchyard/testing';
import { RedisConfigBus, redisBusKeys, type BusErrorSource, type RedisConfigBusOptions } from './index.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const RUN_ID = (process.env['SWITCHYARD_TEST_RUN_ID'] ?? `t${randomBytes(3).toString('hex')}`).toLowerCase();

interface TestSnapshot {
  version: number;
  hash: string;
  routes: string[];
}

const snapshot = (version: number): TestSnapshot => ({
  version,
  hash: `h${version}`,
  routes: [`/r${version}`],
});

const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
afterAll(() => admin.quit());

interface ReportedError {
  error: Error;
  source: BusErrorSource;
}

/** Polls `probe` until it returns something other than undefined; fails after `timeoutMs`. */
async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 3_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Settles `promise` and tells how long it took, in milliseconds. */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [result] = await Promise.allSettled([promise]);
  return { ms: performance.now() - started, result: result! };
}

describe('RedisConfigBus', () => {
  let prefix: string;
  let errors: ReportedError[];
  const buses: RedisConfigBus<TestSnapshot>[] = [];
  const proxies: FlakyTcpProxy[] = [];

  const createBus = (options: Partial<RedisConfigBusOptions> = {}) => {
    const bus = new RedisConfigBus<TestSnapshot>({
      url: REDIS_URL,
      prefix,
      onError: (error, source) => errors.push({ error, source }),
      ...options,
    });
    buses.push(bus);
    return bus;
  };

  const startProxy = async () => {
    const proxy = await FlakyTcpProxy.start(new URL(REDIS_URL));
    proxies.push(proxy);
    return proxy;
  };

  /** Stores a snapshot the way a publisher would, but without the announcement: a lost message. */
  const storeSilently = (value: TestSnapshot) =>
    admin.hset(redisBusKeys(prefix).snapshot, {
      version: value.version,
      hash: value.hash,
      snapshot: JSON.stringify(value),
    });

  const newPrefix = () => {
    prefix = `sy_${RUN_ID}_bus_${randomBytes(4).toString('hex')}`;
    errors = [];
  };

  afterEach(async () => {
    await Promise.allSettled([...buses.splice(0), ...proxies.splice(0)].map((owner) => owner.close()));
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
  });

  it('keeps the snapshot, its envelope and the announcement under the documented names', async () => {
    newPrefix();
    const bus = createBus();
    const listener = admin.duplicate();
    const messages: string[] = [];
    try {
      listener.on('message', (_channel: string, message: string) => messages.push(message));
      await listener.subscribe(`${prefix}:config-updated`);
      await bus.publisher.publish(snapshot(4));
      await waitFor('the announcement', () => (messages.length > 0 ? true : undefined));
      expect(messages).toEqual([JSON.stringify({ version: 4, hash: 'h4' })]);
      expect(await admin.hgetall(`${prefix}:snapshot`)).toEqual({
        version: '4',
        hash: 'h4',
        snapshot: JSON.stringify(snapshot(4)),
      });
    } finally {
      listener.disconnect();
    }
  });

  it('heals a lost announcement on the reconcile timer', async () => {
    newPrefix();
    const bus = createBus();
    await bus.publisher.publish(snapshot(1));
    const subscriber = bus.createSubscriber({ reconcileIntervalMs: 100 });
    const versions: number[] = [];
    subscriber.onUpdate((notice) => void versions.push(notice.version));
    await waitFor('version 1', () => (versions.includes(1) ? true : undefined));

    await storeSilently(snapshot(2));
    await waitFor(
      'version 2 from the reconcile timer',
      () => (versions.includes(2) ? true : undefined),
      2_000,
    );
    await expect(subscriber.load()).resolves.toEqual(snapshot(2));
    expect(versions).toEqual([1, 2]);
  });

  it('catches up on reconnect with a version stored while its connection was killed', async () => {
    newPrefix();
    const bus = createBus();
    await bus.publisher.publish(snapshot(1));
    // The timer is far away: only the reconnect can bring the lost version.
    const subscriber = bus.createSubscriber({ reconcileIntervalMs: 60_000 });
    const versions: number[] = [];
    subscriber.onUpdate((notice) => void versions.push(notice.version));
    await waitFor('version 1', () => (versions.includes(1) ? true : undefined));

    const clients = (await admin.client('LIST')) as string;
    const ids = clients
      .split('\n')
      .filter((line) => line.includes(` name=${prefix}:bus-subscriber `))
      .map((line) => /\bid=(\d+)/.exec(line)![1]!);
    expect(ids).toHaveLength(1);
    await admin.client('KILL', 'ID', ids[0]!);
    await storeSilently(snapshot(2));

    await waitFor('version 2 after the reconnect', () => (versions.includes(2) ? true : undefined));
    // The new connection is subscribed again: a regular publish arrives through pub/sub.
    await bus.publisher.publish(snapshot(3));
    await waitFor('version 3', () => (versions.includes(3) ? true : undefined), 1_000);
    expect(versions).toEqual([1, 2, 3]);
    expect(errors.filter((e) => e.source !== 'connection')).toEqual([]);
  });

  it('fails fast while Redis hangs, throws nothing into the proxy, and recovers', async () => {
    newPrefix();
    const proxy = await startProxy();
    const bus = createBus({ url: proxy.url, commandTimeoutMs: 200 });
    await bus.publisher.publish(snapshot(1));
    const subscriber = bus.createSubscriber({ reconcileIntervalMs: 100 });
    const versions: number[] = [];
    subscriber.onUpdate((notice) => void versions.push(notice.version));
    await waitFor('version 1', () => (versions.includes(1) ? true : undefined));
    const reporter = bus.createHeartbeatReporter({
      id: 'dp-1',
      hostname: 'dp-1.local',
      version: '0.1.0',
      currentConfig: () => ({ version: 1, hash: 'h1' }),
      intervalMs: 100,
    });
    await reporter.beat();

    proxy.pause();
    const publish = await timed(bus.publisher.publish(snapshot(2)));
    const load = await timed(subscriber.load());
    const beat = await timed(reporter.beat());
    const list = await timed(bus.heartbeats.list());
    for (const call of [publish, load, beat, list]) expect(call.ms).toBeLessThan(1_000);
    expect(publish.result.status).toBe('rejected');
    expect(list.result.status).toBe('rejected');
    expect(load.result).toEqual({ status: 'fulfilled', value: null });
    expect(beat.result).toEqual({ status: 'fulfilled', value: undefined });
    const sources = new Set(errors.map((e) => e.source));
    expect(sources).toContain('load');
    expect(sources).toContain('heartbeat');
    await waitFor('a failed reconcile report', () =>
      errors.some((e) => e.source === 'reconcile') ? true : undefined,
    );

    proxy.resume();
    await storeSilently(snapshot(3));
    await waitFor('version 3 once Redis answers again', () => (versions.includes(3) ? true : undefined));
    await expect(subscriber.load()).resolves.toEqual(snapshot(3));
  });

  it('fails fast while Redis is unreachable, then reconnects and catches up', async () => {
    newPrefix();
    const proxy = await startProxy();
    const bus = createBus({ url: proxy.url, commandTimeoutMs: 200, connectTimeoutMs: 200 });
    await bus.publisher.publish(snapshot(1));
    const subscriber = bus.createSubscriber({ reconcileIntervalMs: 60_000 });
    const versions: number[] = [];
    subscriber.onUpdate((notice) => void versions.push(notice.version));
    await waitFor('version 1', () => (versions.includes(1) ? true : undefined));

    proxy.cut();
    const publish = await timed(bus.publisher.publish(snapshot(2)));
    const load = await timed(subscriber.load());
    expect(publish.ms).toBeLessThan(1_000);
    expect(load.ms).toBeLessThan(1_000);
    expect(publish.result.status).toBe('rejected');
    expect(load.result).toEqual({ status: 'fulfilled', value: null });

    await storeSilently(snapshot(3));
    proxy.restore();
    await waitFor('version 3 after the reconnect', () => (versions.includes(3) ? true : undefined), 5_000);
    await expect(subscriber.load()).resolves.toEqual(snapshot(3));
  });

  it('starts while Redis is unreachable and catches up once it is reachable', async () => {
    newPrefix();
    const proxy = await startProxy();
    proxy.cut();
    const bus = createBus({ url: proxy.url, commandTimeoutMs: 200, connectTimeoutMs: 200 });
    const subscriber = bus.createSubscriber({ reconcileIntervalMs: 60_000 });
    const versions: number[] = [];
    subscriber.onUpdate((notice) => void versions.push(notice.version));
    const load = await timed(subscriber.load());
    expect(load.ms).toBeLessThan(1_000);
    expect(load.result).toEqual({ status: 'fulfilled', value: null });

    await createBus().publisher.publish(snapshot(1));
    proxy.restore();
    await waitFor('version 1 once connected', () => (versions.includes(1) ? true : undefined), 5_000);
    await expect(subscriber.load()).resolves.toEqual(snapshot(1));
  });

  it('announces a version again when loading it failed', async () => {
    newPrefix();
    const proxy = await startProxy();
    const bus = createBus({ url: proxy.url, commandTimeoutMs: 200, connectTimeoutMs: 200 });
    await bus.publisher.publish(snapshot(1));
    const subscriber = bus.createSubscriber({ reconcileIntervalMs: 100 });
    const versions: number[] = [];
    subscriber.onUpdate((notice) => void versions.push(notice.version));
    await waitFor('version 1', () => (versions.includes(1) ? true : undefined));

    proxy.cut();
    await expect(subscriber.load()).resolves.toBeNull();
    proxy.restore();
    await waitFor('version 1 announced again', () => (versions.length === 2 ? true : undefined), 5_000);
    expect(versions).toEqual([1, 1]);
    await expect(subscriber.load()).resolves.toEqual(snapshot(1));
  });

  it('loads at boot even when called before the connection is up', async () => {
    newPrefix();
    await createBus().publisher.publish(snapshot(1));
    await expect(createBus().createSubscriber().load()).resolves.toEqual(snapshot(1));
  });

  it('names its connections after the prefix so operators can find them', async () => {
    newPrefix();
    const bus = createBus();
    const subscriber = bus.createSubscriber();
    subscriber.onUpdate(() => undefined);
    await bus.publisher.current();
    const names = await waitFor('both connections', async () => {
      const clients = (await admin.client('LIST')) as string;
      const found = [...clients.matchAll(/ name=(\S+) /g)]
        .map((m) => m[1]!)
        .filter((n) => n.startsWith(prefix));
      return found.length === 2 ? found.sort() : undefined;
    });
    expect(names).toEqual([`${prefix}:bus-data`, `${prefix}:bus-subscriber`]);
  });
});
