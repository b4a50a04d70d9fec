import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisBusKeys } from '@switchyard/bus';
import {
  buildSnapshot,
  openConfigStore,
  type ConfigSnapshot,
  type Plugin,
  type Route,
} from '@switchyard/config';
import {
  createTestDatabase,
  curlData,
  FlakyTcpProxy,
  killRedisClients,
  RequestLoop,
  sleep,
  startEchoUpstream,
  SwitchyardCluster,
  TEST_REDIS_URL,
  uniqueTestName,
  waitUntil,
  type ClusterProxy,
  type EchoReply,
  type EchoUpstream,
  type PublishedConfig,
  type RequestLoopReport,
  type TestDatabase,
} from '@switchyard/testing';

const NO_ROUTE = { message: 'no Route matched with those values' };
/** What the proxies log when they refuse a snapshot (at error level, so visible with LOG_LEVEL=warn). */
const REFUSAL_LOG = 'refused an invalid config snapshot';

/** A path of its own per call: route paths match by prefix, so no path may start another. */
const uniquePath = (label: string) => `/${label}-${randomBytes(3).toString('hex')}`;

/** What the echo upstream answers when the proxy forwards `GET <path>` (routes keep their path). */
const echoed = (path: string): EchoReply => ({ upstream: 'echo', method: 'GET', path });

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

describe('config propagation between admin, config-sync and two proxy processes', () => {
  let database: TestDatabase;
  let upstream: EchoUpstream;
  /** Every app reaches Redis through this hop, so a test can hang or cut Redis for them alone. */
  let redisHop: FlakyTcpProxy;
  /** The test's own connection to Redis, which no fault touches. */
  let redis: Redis;
  let cluster: SwitchyardCluster;
  let prefix: string;
  /** A route created before the tests; every fault below must leave it served. */
  const steadyPath = uniquePath('steady');

  async function createRoute(name: string, path: string): Promise<Route> {
    const response = await cluster.admin.form(
      'POST',
      '/services/echo/routes',
      curlData(`name=${name}`, `paths[]=${path}`, 'strip_path=false'),
    );
    expect(response.status, response.text).toBe(201);
    return response.body as Route;
  }

  /** Sends `GET <steadyPath>` to every proxy until stopped: the clients that must not notice a fault. */
  const startSteadyTraffic = () =>
    RequestLoop.start({ urls: cluster.proxies.map((proxy) => `${proxy.url}${steadyPath}`) });

  const expectNoFailedRequest = (report: RequestLoopReport) => {
    expect(report.failures).toEqual([]);
    // Both proxies were asked all along, not only at the start.
    for (const count of Object.values(report.perUrl)) expect(count).toBeGreaterThan(10);
  };

  async function statusesOfEveryProxy(): Promise<{ hash: string | null; version: number | null }[]> {
    const statuses = await Promise.all(cluster.proxies.map((proxy) => proxy.status()));
    return statuses.map((status) => ({
      hash: status.configuration_hash,
      version: status.configuration_version,
    }));
  }

  /** Waits until the admin lists exactly `proxies` as data planes, each with `syncStatus` and `hash`. */
  function waitForDataPlanes(proxies: readonly ClusterProxy[], syncStatus: string, hash: string) {
    const ids = proxies.map((proxy) => proxy.nodeId).sort();
    let seen: unknown;
    return waitUntil(
      () => `the admin to list ${ids.join(', ')} as ${syncStatus} (last seen: ${JSON.stringify(seen)})`,
      async () => {
        const response = await cluster.admin.get('/clustering/data-planes');
        const planes = response.body.data as { id: string; sync_status: string; config_hash: string }[];
        seen = planes.map(({ id, sync_status, config_hash }) => ({ id, sync_status, config_hash }));
        const listed = planes.map((plane) => plane.id).sort();
        const settled = planes.every(
          (plane) => plane.sync_status === syncStatus && plane.config_hash === hash,
        );
        return response.status === 200 && settled && JSON.stringify(listed) === JSON.stringify(ids)
          ? response
          : undefined;
      },
    );
  }

  /** The snapshot stored in Redis, as the proxies load it. */
  async function storedSnapshot(): Promise<ConfigSnapshot> {
    const body = await redis.hget(redisBusKeys(prefix).snapshot, 'snapshot');
    return JSON.parse(body!) as ConfigSnapshot;
  }

  /** Stores `snapshot` where config-sync keeps it, announcing it or not (a lost announcement). */
  async function plantSnapshot(snapshot: ConfigSnapshot, options: { announce: boolean }): Promise<void> {
    const keys = redisBusKeys(prefix);
    await redis.hset(keys.snapshot, {
      version: snapshot.version,
      hash: snapshot.hash,
      snapshot: JSON.stringify(snapshot),
    });
    if (options.announce)
      await redis.publish(
        keys.configUpdated,
        JSON.stringify({ version: snapshot.version, hash: snapshot.hash }),
      );
  }

  /** The served config plus one route to `path`, at the next version: what a planted snapshot builds on. */
  async function nextContentWithRoute(served: PublishedConfig, name: string, path: string) {
    const { hash: _hash, ...content } = await storedSnapshot();
    const template = content.routes.find((route) => route.paths?.includes(steadyPath))!;
    const route: Route = { ...template, id: randomUUID(), name, paths: [path] };
    return { ...content, version: served.version + 1, routes: [...content.routes, route], route };
  }

  /** Every proxy logged one more refusal, still serves `served`, and the admin lists it as outdated. */
  async function expectRefusedByEveryProxy(
    refusalsBefore: number[],
    served: PublishedConfig,
    plantedPath: string,
  ) {
    await waitUntil('every proxy to refuse the planted snapshot', () =>
      cluster.proxies.every(
        (proxy, index) => occurrences(proxy.process.output(), REFUSAL_LOG) > refusalsBefore[index]!,
      )
        ? true
        : undefined,
    );
    expect(await statusesOfEveryProxy()).toEqual([
      { hash: served.hash, version: served.version },
      { hash: served.hash, version: served.version },
    ]);
    expect(
      (await cluster.getFromEveryProxy(steadyPath)).map((response) => [response.status, response.body]),
    ).toEqual([
      [200, echoed(steadyPath)],
      [200, echoed(steadyPath)],
    ]);
    expect(
      (await cluster.getFromEveryProxy(plantedPath)).map((response) => [response.status, response.body]),
    ).toEqual([
      [404, NO_ROUTE],
      [404, NO_ROUTE],
    ]);
    // Their heartbeats still carry the old hash, while Redis holds the planted one.
    await waitForDataPlanes(cluster.proxies, 'outdated', served.hash);
  }

  /**
   * The planted snapshot holds the store's next version. Config-sync compares versions only, so it
   * takes the store at that version for published already; the write after moves past it.
   */
  async function expectWritesToMovePast(label: string) {
    const firstPath = uniquePath(`${label}-first`);
    const secondPath = uniquePath(`${label}-second`);
    await createRoute(`${label}-first`, firstPath);
    await createRoute(`${label}-second`, secondPath);
    await cluster.waitUntilEveryProxy(secondPath, 200);
    await cluster.waitUntilEveryProxy(firstPath, 200);
    const published = await cluster.waitUntilInSync();
    await waitForDataPlanes(cluster.proxies, 'normal', published.hash);
  }

  beforeAll(async () => {
    database = await createTestDatabase('propagation');
    prefix = uniqueTestName('propagation');
    upstream = await startEchoUpstream();
    redisHop = await FlakyTcpProxy.start(new URL(TEST_REDIS_URL));
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    cluster = await SwitchyardCluster.start({
      databaseUrl: database.url,
      redisPrefix: prefix,
      appRedisUrl: redisHop.url,
      proxies: 2,
    });
    const service = await cluster.admin.form(
      'POST',
      '/services',
      curlData('name=echo', `url=${upstream.url}`),
    );
    expect(service.status, service.text).toBe(201);
    await createRoute('steady', steadyPath);
    await cluster.waitUntilEveryProxy(steadyPath, 200);
  });

  afterAll(async () => {
    await cluster?.stop();
    await redisHop?.close();
    await upstream?.close();
    redis?.disconnect();
    await database?.drop();
  });

  it('serves a route created on the admin from both proxies, then its update, then its deletion', async () => {
    const createdPath = uniquePath('created');
    const updatedPath = uniquePath('updated');

    await createRoute('lifecycle', createdPath);
    const created = await cluster.waitUntilEveryProxy(createdPath, 200);
    expect(created.map((response) => response.body)).toEqual([echoed(createdPath), echoed(createdPath)]);

    const patched = await cluster.admin.json('PATCH', '/routes/lifecycle', { paths: [updatedPath] });
    expect(patched.status, patched.text).toBe(200);
    const updated = await cluster.waitUntilEveryProxy(updatedPath, 200);
    expect(updated.map((response) => response.body)).toEqual([echoed(updatedPath), echoed(updatedPath)]);
    expect(
      (await cluster.getFromEveryProxy(createdPath)).map((response) => [response.status, response.body]),
    ).toEqual([
      [404, NO_ROUTE],
      [404, NO_ROUTE],
    ]);

    expect((await cluster.admin.delete('/routes/lifecycle')).status).toBe(204);
    const deleted = await cluster.waitUntilEveryProxy(updatedPath, 404);
    expect(deleted.map((response) => response.body)).toEqual([NO_ROUTE, NO_ROUTE]);
  });

  it('lists both proxies as data planes in sync with the published hash', async () => {
    const published = await cluster.waitUntilInSync();
    const response = await waitForDataPlanes(cluster.proxies, 'normal', published.hash);
    expect(response.body.next).toBeNull();
    expect(response.body.data).toEqual(
      expect.arrayContaining(
        cluster.proxies.map((proxy) =>
          expect.objectContaining({
            id: proxy.nodeId,
            hostname: expect.any(String),
            version: expect.any(String),
            config_version: published.version,
            config_hash: published.hash,
            last_seen: expect.any(Number),
            sync_status: 'normal',
          }),
        ),
      ),
    );
  });

  it("keeps serving while the apps' Redis connections are killed, and delivers the writes made meanwhile", async () => {
    const traffic = startSteadyTraffic();
    const paths: string[] = [];
    const killedPerRound: { name: string }[][] = [];
    let report: RequestLoopReport;
    try {
      for (let round = 0; round < 3; round += 1) {
        killedPerRound.push(await killRedisClients(redis, prefix));
        const path = uniquePath(`killed-${round}`);
        paths.push(path);
        await createRoute(`killed-${round}`, path);
        await sleep(200);
      }
      for (const path of paths) {
        const responses = await cluster.waitUntilEveryProxy(path, 200);
        expect(responses.map((response) => response.body)).toEqual([echoed(path), echoed(path)]);
      }
    } finally {
      report = await traffic.stop();
    }
    expectNoFailedRequest(report);
    // Each proxy's subscription was among the connections killed, and the data connections too.
    const firstRound = killedPerRound[0]!.map((client) => client.name);
    expect(firstRound.filter((name) => name === `${prefix}:bus-subscriber`)).toHaveLength(2);
    expect(firstRound.filter((name) => name === `${prefix}:bus-data`).length).toBeGreaterThanOrEqual(3);
  });

  it('keeps serving while Redis hangs, and delivers the writes made meanwhile once it answers', async () => {
    const before = await cluster.waitUntilInSync();
    const path = uniquePath('hung');
    const traffic = startSteadyTraffic();
    let report: RequestLoopReport;
    try {
      redisHop.pause();
      await createRoute('hung', path);
      // Longer than the apps' 2 s Redis command timeout: their calls fail rather than merely wait.
      await sleep(2_500);
      expect((await cluster.getFromEveryProxy(path)).map((response) => response.status)).toEqual([404, 404]);
      expect(await statusesOfEveryProxy()).toEqual([
        { hash: before.hash, version: before.version },
        { hash: before.hash, version: before.version },
      ]);
      redisHop.resume();
      const responses = await cluster.waitUntilEveryProxy(path, 200, { timeoutMs: 15_000 });
      expect(responses.map((response) => response.body)).toEqual([echoed(path), echoed(path)]);
    } finally {
      redisHop.resume();
      report = await traffic.stop();
    }
    expectNoFailedRequest(report);
  });

  it('keeps serving while Redis refuses connections, and delivers the writes made meanwhile once it is back', async () => {
    const path = uniquePath('unreachable');
    const traffic = startSteadyTraffic();
    let report: RequestLoopReport;
    try {
      redisHop.cut();
      await createRoute('unreachable', path);
      await sleep(1_000);
      expect((await cluster.getFromEveryProxy(path)).map((response) => response.status)).toEqual([404, 404]);
      redisHop.restore();
      // Reconnect attempts back off up to 2 s apart.
      const responses = await cluster.waitUntilEveryProxy(path, 200, { timeoutMs: 15_000 });
      expect(responses.map((response) => response.body)).toEqual([echoed(path), echoed(path)]);
    } finally {
      redisHop.restore();
      report = await traffic.stop();
    }
    expectNoFailedRequest(report);
  });

  it('serves the last stored snapshot from a proxy started while config-sync is down', async () => {
    const published = await cluster.waitUntilInSync();
    await cluster.stopConfigSync();
    try {
      const late = await cluster.startProxy();
      try {
        expect(await late.status()).toMatchObject({
          configuration_hash: published.hash,
          configuration_version: published.version,
        });
        const response = await late.get(steadyPath);
        expect([response.status, response.body]).toEqual([200, echoed(steadyPath)]);
        await waitForDataPlanes(cluster.proxies, 'normal', published.hash);
      } finally {
        await cluster.stopProxy(late);
      }
    } finally {
      await cluster.startConfigSync();
    }
  });

  it('heals a lost config announcement with the reconcile timer', async () => {
    const path = uniquePath('unannounced');
    // With config-sync down nothing else stores or announces a snapshot meanwhile.
    await cluster.stopConfigSync();
    let snapshot: ConfigSnapshot;
    try {
      await createRoute('unannounced', path);
      // What config-sync would store for this write, stored without its announcement.
      const store = await openConfigStore({ databaseUrl: database.url, dataDir: '' });
      try {
        snapshot = buildSnapshot(await store.readConfig());
      } finally {
        await store.close();
      }
      await plantSnapshot(snapshot, { announce: false });
      // Only the timer can tell the proxies: no message, no reconnect. A few intervals, with room for a busy CI.
      const responses = await cluster.waitUntilEveryProxy(path, 200, {
        timeoutMs: 3 * cluster.reconcileIntervalMs + 2_000,
      });
      expect(responses.map((response) => response.body)).toEqual([echoed(path), echoed(path)]);
      expect(await statusesOfEveryProxy()).toEqual([
        { hash: snapshot.hash, version: snapshot.version },
        { hash: snapshot.hash, version: snapshot.version },
      ]);
    } finally {
      await cluster.startConfigSync();
    }
    // Back, config-sync finds that snapshot current and keeps it.
    expect(await cluster.waitUntilInSync()).toEqual({ version: snapshot.version, hash: snapshot.hash });
  });

  it('loses no write made while config-sync was down after a crash', async () => {
    const movedFrom = uniquePath('move-from');
    const movedTo = uniquePath('move-to');
    const addedPath = uniquePath('added');
    const removedPath = uniquePath('removed');
    await createRoute('moved', movedFrom);
    await cluster.waitUntilEveryProxy(movedFrom, 200);

    await cluster.stopConfigSync({ crash: true });
    try {
      await createRoute('added-while-down', addedPath);
      const patched = await cluster.admin.json('PATCH', '/routes/moved', { paths: [movedTo] });
      expect(patched.status, patched.text).toBe(200);
      await createRoute('removed-while-down', removedPath);
      expect((await cluster.admin.delete('/routes/removed-while-down')).status).toBe(204);
      // Nothing reaches the proxies while config-sync is down.
      await sleep(2 * cluster.reconcileIntervalMs);
      expect((await cluster.getFromEveryProxy(addedPath)).map((response) => response.status)).toEqual([
        404, 404,
      ]);
    } finally {
      await cluster.startConfigSync();
    }

    expect((await cluster.waitUntilEveryProxy(addedPath, 200)).map((response) => response.body)).toEqual([
      echoed(addedPath),
      echoed(addedPath),
    ]);
    expect((await cluster.getFromEveryProxy(movedTo)).map((response) => response.status)).toEqual([200, 200]);
    expect((await cluster.getFromEveryProxy(movedFrom)).map((response) => response.status)).toEqual([
      404, 404,
    ]);
    expect((await cluster.getFromEveryProxy(removedPath)).map((response) => response.status)).toEqual([
      404, 404,
    ]);
    expect((await cluster.waitUntilInSync()).version).toBe(await cluster.storeVersion());
  });

  it('refuses a newer snapshot whose plugin config fails its schema, and keeps serving the previous one', async () => {
    const served = await cluster.waitUntilInSync();
    const plantedPath = uniquePath('planted-schema');
    const { route, ...content } = await nextContentWithRoute(served, 'planted-schema', plantedPath);
    const now = Math.floor(Date.now() / 1000);
    const invalidPlugin: Plugin = {
      id: randomUUID(),
      name: 'ai-proxy',
      instance_name: null,
      route: { id: route.id },
      service: null,
      consumer: null,
      config: { route_type: 'not-a-route-type' },
      protocols: ['http', 'https'],
      enabled: true,
      created_at: now,
      updated_at: now,
      tags: null,
    };
    // The hash matches the content: only the plugin's schema can tell it is bad.
    const planted = buildSnapshot({ ...content, plugins: [...content.plugins, invalidPlugin] });
    const refusalsBefore = cluster.proxies.map((proxy) => occurrences(proxy.process.output(), REFUSAL_LOG));

    await plantSnapshot(planted, { announce: true });
    await expectRefusedByEveryProxy(refusalsBefore, served, plantedPath);
    await expectWritesToMovePast('after-schema');
  });

  it('refuses a newer snapshot whose hash does not match its content, and keeps serving the previous one', async () => {
    const served = await cluster.waitUntilInSync();
    const plantedPath = uniquePath('planted-hash');
    const { route: _route, ...content } = await nextContentWithRoute(served, 'planted-hash', plantedPath);
    const planted: ConfigSnapshot = { ...buildSnapshot(content), hash: '0'.repeat(32) };
    const refusalsBefore = cluster.proxies.map((proxy) => occurrences(proxy.process.output(), REFUSAL_LOG));

    await plantSnapshot(planted, { announce: true });
    await expectRefusedByEveryProxy(refusalsBefore, served, plantedPath);
    await expectWritesToMovePast('after-hash');
  });
});
