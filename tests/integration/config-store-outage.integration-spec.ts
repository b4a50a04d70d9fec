import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  curlData,
  FlakyTcpProxy,
  RequestLoop,
  sleep,
  startEchoUpstream,
  SwitchyardCluster,
  uniqueTestName,
  waitUntil,
  type EchoUpstream,
  type RequestLoopReport,
  type TestDatabase,
} from '@switchyard/testing';

/** The apps' PostgreSQL bounds: a store that does not answer is given up on within ~2 s. */
const STORE_ENV = {
  DATABASE_CONNECT_TIMEOUT_MS: '1000',
  DATABASE_STATEMENT_TIMEOUT_MS: '1000',
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '3000',
  DATABASE_KEEPALIVE_IDLE_MS: '1000',
};
/** A data plane behind the store for longer than this is listed `outdated`. */
const OUTDATED_AFTER_MS = 1_500;
/**
 * Longest an Admin API request may take while the store is down: a connect timeout, then a
 * statement timeout and the client's 1 s margin, with room for a busy machine. Past it, a hang.
 */
const ANSWER_BOUND_MS = 6_000;

/** A path of its own per call: route paths match by prefix, so no path may start another. */
const uniquePath = (label: string) => `/${label}-${randomBytes(3).toString('hex')}`;

interface TimedResponse {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: { message?: string; [field: string]: unknown };
  readonly elapsedMs: number;
}

describe('the cluster while PostgreSQL fails (refused, unresponsive, dropped mid-write)', () => {
  let database: TestDatabase;
  let upstream: EchoUpstream;
  /** The admin's way to PostgreSQL, and config-sync's: each can fail on its own. */
  let adminHop: FlakyTcpProxy;
  let syncHop: FlakyTcpProxy;
  let cluster: SwitchyardCluster;
  let configSyncPid: number | undefined;
  const steadyPath = uniquePath('steady');

  /** An Admin API request that fails the test if it is not answered within twice the bound (a hang). */
  async function timed(method: string, path: string, form?: [string, string][]): Promise<TimedResponse> {
    const started = performance.now();
    const response = await fetch(`${cluster.admin.baseUrl}${path}`, {
      method,
      body: form && new URLSearchParams(form).toString(),
      headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      signal: AbortSignal.timeout(2 * ANSWER_BOUND_MS),
    });
    const text = await response.text();
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: text === '' ? {} : (JSON.parse(text) as TimedResponse['body']),
      elapsedMs: performance.now() - started,
    };
  }

  const createRoute = (name: string, path: string) =>
    timed('POST', '/services/echo/routes', curlData(`name=${name}`, `paths[]=${path}`, 'strip_path=false'));

  /** A 503 in Kong's error shape that says the store is unreachable, names its hop and asks for a retry. */
  function expectStoreUnavailable(response: TimedResponse, hop: FlakyTcpProxy) {
    expect(response.status, JSON.stringify(response.body)).toBe(503);
    expect(response.body.message).toMatch(
      new RegExp(
        `^The config store \\(PostgreSQL at ${hop.address}\\) is unreachable: .+ Retry when it is back\\.$`,
      ),
    );
    expect(response.retryAfter).toBe('5');
    expect(response.elapsedMs).toBeLessThan(ANSWER_BOUND_MS);
  }

  /** The route is in the store (the admin reads it back) and both proxies serve it. */
  async function expectServedEverywhere(name: string, path: string) {
    expect((await timed('GET', `/routes/${name}`)).status).toBe(200);
    const responses = await cluster.waitUntilEveryProxy(path, 200, { timeoutMs: 15_000 });
    expect(responses.map((response) => response.body)).toEqual(
      responses.map(() => ({ upstream: 'echo', method: 'GET', path })),
    );
  }

  /** Proxies answer the steady route all along: a config store outage never reaches their clients. */
  const startSteadyTraffic = () =>
    RequestLoop.start({ urls: cluster.proxies.map((proxy) => `${proxy.url}${steadyPath}`), pauseMs: 20 });

  const expectNoFailedRequest = (report: RequestLoopReport) => {
    expect(report.failures).toEqual([]);
    for (const count of Object.values(report.perUrl)) expect(count).toBeGreaterThan(5);
  };

  /** No process died or was replaced: config-sync is the one that started with the cluster. */
  function expectEveryProcessAlive() {
    const processes = [
      cluster.adminProcess,
      cluster.configSync,
      ...cluster.proxies.map((proxy) => proxy.process),
    ];
    for (const app of processes) expect(app?.child.exitCode, cluster.output()).toBeNull();
    expect(cluster.configSync?.child.pid).toBe(configSyncPid);
    expect(cluster.output()).not.toMatch(/Unhandled|uncaught/i);
  }

  /** The data planes as the admin lists them: every one with `syncStatus`. */
  function waitForDataPlanes(syncStatus: 'normal' | 'outdated') {
    let seen: unknown;
    return waitUntil(
      () => `every data plane to be listed ${syncStatus} (last seen: ${JSON.stringify(seen)})`,
      async () => {
        const response = await timed('GET', '/clustering/data-planes');
        const planes = (response.body.data ?? []) as {
          id: string;
          sync_status: string;
          config_version: number;
        }[];
        seen = [
          response.status,
          planes.map(({ id, sync_status, config_version }) => ({ id, sync_status, config_version })),
        ];
        const ids = cluster.proxies.map((proxy) => proxy.nodeId).sort();
        const listed = planes.map((plane) => plane.id).sort();
        return response.status === 200 &&
          JSON.stringify(listed) === JSON.stringify(ids) &&
          planes.every((plane) => plane.sync_status === syncStatus)
          ? planes
          : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  }

  beforeAll(async () => {
    database = await createTestDatabase('outage');
    upstream = await startEchoUpstream();
    adminHop = await FlakyTcpProxy.start(new URL(database.url));
    syncHop = await FlakyTcpProxy.start(new URL(database.url));
    cluster = await SwitchyardCluster.start({
      databaseUrl: database.url,
      appDatabaseUrls: { admin: adminHop.url, configSync: syncHop.url },
      redisPrefix: uniqueTestName('outage'),
      proxies: 2,
      env: { ...STORE_ENV, DATA_PLANE_OUTDATED_AFTER_MS: String(OUTDATED_AFTER_MS) },
    });
    configSyncPid = cluster.configSync?.child.pid;
    const service = await timed('POST', '/services', curlData('name=echo', `url=${upstream.url}`));
    expect(service.status, JSON.stringify(service.body)).toBe(201);
    expect((await createRoute('steady', steadyPath)).status).toBe(201);
    await cluster.waitUntilEveryProxy(steadyPath, 200);
  });

  afterAll(async () => {
    await cluster?.stop();
    await adminHop?.close();
    await syncHop?.close();
    await upstream?.close();
    await database?.drop();
  });

  it('answers 503 at once while PostgreSQL refuses connections, keeps the proxies serving, and resumes', async () => {
    const traffic = startSteadyTraffic();
    let report: RequestLoopReport;
    try {
      adminHop.cut();
      syncHop.cut();
      expectStoreUnavailable(await createRoute('refused', uniquePath('refused')), adminHop);
      expectStoreUnavailable(await timed('GET', '/services'), adminHop);
      expectStoreUnavailable(await timed('GET', '/clustering/data-planes'), adminHop);
      // Kong's health check stays 200 and says what is wrong.
      const status = await timed('GET', '/status');
      expect([status.status, status.body.database, status.body.configuration_version]).toEqual([
        200,
        { reachable: false, message: expect.stringContaining(adminHop.address) },
        null,
      ]);
      await sleep(1_000);
    } finally {
      adminHop.restore();
      syncHop.restore();
      report = await traffic.stop();
    }
    expectNoFailedRequest(report);
    const path = uniquePath('after-refused');
    expect((await createRoute('after-refused', path)).status).toBe(201);
    await expectServedEverywhere('after-refused', path);
    expect((await timed('GET', '/routes/refused')).status).toBe(404);
    expectEveryProcessAlive();
  });

  it('answers 503 within the timeouts while PostgreSQL stops answering, and resumes', async () => {
    const traffic = startSteadyTraffic();
    let report: RequestLoopReport;
    try {
      adminHop.pause();
      syncHop.pause();
      const [write, read] = await Promise.all([
        createRoute('unanswered', uniquePath('unanswered')),
        timed('GET', '/services'),
      ]);
      expectStoreUnavailable(write, adminHop);
      expectStoreUnavailable(read, adminHop);
      // The pool's connections timed out: a request now opens a new one, which times out too.
      expectStoreUnavailable(await timed('GET', '/routes'), adminHop);
    } finally {
      adminHop.resume();
      syncHop.resume();
      report = await traffic.stop();
    }
    expectNoFailedRequest(report);
    const path = uniquePath('after-unanswered');
    expect((await createRoute('after-unanswered', path)).status).toBe(201);
    await expectServedEverywhere('after-unanswered', path);
    expectEveryProcessAlive();
  });

  it('loses no acknowledged write when the connections drop mid-write, and answers the others 503', async () => {
    const acknowledged: { name: string; path: string }[] = [];
    const statuses: number[] = [];
    let next = 0;
    let stopped = false;
    const writer = async () => {
      for (let write = 0; write < 200 && !stopped; write += 1) {
        const name = `dropped-${(next += 1)}`;
        const path = uniquePath(name);
        const response = await createRoute(name, path);
        statuses.push(response.status);
        expect(response.elapsedMs).toBeLessThan(ANSWER_BOUND_MS);
        if (response.status === 201) acknowledged.push({ name, path });
        // A client that is told to retry later does not retry in a tight loop.
        else await sleep(25);
      }
    };
    const writers = Promise.all([writer(), writer(), writer(), writer()]);
    try {
      // Both apps lose every connection while writes are in flight, and get them back shortly after.
      await waitUntil('a few writes to be acknowledged', () => (acknowledged.length >= 8 ? true : undefined));
      adminHop.cut();
      syncHop.cut();
      await sleep(300);
      adminHop.restore();
      syncHop.restore();
      const beforeRecovery = acknowledged.length;
      await waitUntil('writes to be acknowledged again', () =>
        acknowledged.length >= beforeRecovery + 8 ? true : undefined,
      );
    } finally {
      stopped = true;
      adminHop.restore();
      syncHop.restore();
      await writers;
    }

    // Each write was acknowledged or refused as unavailable, never a 500, and some met the drop.
    expect(statuses.filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(statuses).toContain(503);
    const published = await cluster.waitUntilInSync({ timeoutMs: 15_000 });
    expect(published.version).toBe(await cluster.storeVersion());
    for (const { name, path } of acknowledged) {
      expect((await timed('GET', `/routes/${name}`)).status, name).toBe(200);
      expect(
        (await cluster.getFromEveryProxy(path)).map((response) => response.status),
        name,
      ).toEqual([200, 200]);
    }
    expectEveryProcessAlive();
  });

  it('lists the data planes outdated while config-sync cannot reach PostgreSQL, and normal once it resumed by itself', async () => {
    await waitForDataPlanes('normal');
    syncHop.cut();
    const paths: string[] = [];
    try {
      for (let write = 0; write < 3; write += 1) {
        const path = uniquePath(`behind-${write}`);
        paths.push(path);
        expect((await createRoute(`behind-${write}`, path)).status).toBe(201);
      }
      const storeVersion = await cluster.storeVersion();
      const planes = await waitForDataPlanes('outdated');
      for (const plane of planes) expect(plane.config_version).toBeLessThan(storeVersion);
      expect((await cluster.getFromEveryProxy(paths[0]!)).map((response) => response.status)).toEqual([
        404, 404,
      ]);
    } finally {
      syncHop.restore();
    }
    // Config-sync was never restarted: its LISTEN and pool came back on their own.
    for (const path of paths) await cluster.waitUntilEveryProxy(path, 200, { timeoutMs: 15_000 });
    await cluster.waitUntilInSync();
    await waitForDataPlanes('normal');
    expectEveryProcessAlive();
  });
});
