import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SeededRandom,
  curlData,
  fuzzSeed,
  startEchoUpstream,
  startStandaloneGateway,
  waitUntilServed,
  type EchoUpstream,
  type StandaloneGateway,
} from '@switchyard/testing';
import { AdminFuzzer, targetedRequests, type FuzzRequest } from './admin-fuzz.requests.js';

/** Random requests after the targeted ones; sized to run in well under a minute. */
const RANDOM_REQUESTS = 3_000;

/**
 * Issue 10: the Admin API under a seeded fuzz (`ADMIN_FUZZ_SEED` reproduces a run), against the
 * real standalone gateway: no request may get a 5xx or break the connection, and afterwards the
 * admin still answers, config-sync refused nothing it stored, and the proxy serves a new route.
 */
describe('Admin API fuzz', () => {
  let gateway: StandaloneGateway;
  let upstream: EchoUpstream;

  beforeAll(async () => {
    [gateway, upstream] = await Promise.all([startStandaloneGateway(), startEchoUpstream()]);
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  const send = async (request: FuzzRequest): Promise<{ status: number; body: unknown }> => {
    const headers: Record<string, string> = {};
    if (request.body?.contentType) headers['content-type'] = request.body.contentType;
    const response = await fetch(`${gateway.adminUrl}${request.path}`, {
      method: request.method,
      headers,
      body: request.body?.data,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the failure report
    }
    return { status: response.status, body };
  };

  // About 10 s alone; the timeout leaves room for a loaded machine.
  it('answers every request without a 5xx, and keeps working afterwards', { timeout: 50_000 }, async () => {
    const random = new SeededRandom(fuzzSeed('ADMIN_FUZZ_SEED'));
    const fuzzer = new AdminFuzzer(random);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const targeted = targetedRequests(random);
    for (let index = 0; index < targeted.length + RANDOM_REQUESTS; index++) {
      const request = targeted[index] ?? fuzzer.next();
      try {
        const { status, body } = await send(request);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 201) fuzzer.learn(body);
        if (status >= 500) failures.push(`${status} ${JSON.stringify(body)} <- ${request.label}`);
      } catch (error) {
        failures.push(`${(error as Error).message} <- ${request.label}`);
      }
    }
    console.log(`admin fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(failures.slice(0, 10), `${failures.length} failures`).toEqual([]);
    expect(Object.hasOwn(Object.prototype, 'x-polluted')).toBe(false);

    // The admin answers, config-sync refused nothing the admin stored, and config still flows.
    const status = await gateway.admin.get('/status');
    expect(status.status).toBe(200);
    await expect
      .poll(async () => (await gateway.admin.get('/status')).body.config_sync, { timeout: 10_000 })
      .toMatchObject({ published_version: status.body.configuration_version, refused: null });
    // Plugins the fuzz stored (a global ai-proxy, say) would answer for the route below.
    for (const plugin of (await gateway.admin.get('/plugins?size=1000')).body.data as { id: string }[]) {
      expect((await gateway.admin.delete(`/plugins/${plugin.id}`)).status).toBe(204);
    }
    const service = await gateway.admin.form(
      'POST',
      '/services',
      curlData('name=after-fuzz', `url=${upstream.url}`),
    );
    expect(service.status).toBe(201);
    const route = await gateway.admin.form(
      'POST',
      '/services/after-fuzz/routes',
      curlData('name=after-fuzz', 'paths[]=/after-fuzz'),
    );
    expect(route.status).toBe(201);
    await waitUntilServed(gateway.proxyUrl, '/after-fuzz', 10_000);
    const served = await fetch(`${gateway.proxyUrl}/after-fuzz/echo`);
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ upstream: 'echo', path: '/echo' });
  });
});
