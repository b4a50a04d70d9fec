import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOCK_PROVIDER_API_KEY,
  RequestLoop,
  SwitchyardCluster,
  addAiProxyRoute,
  createTestDatabase,
  nodeRequest,
  startMockProvider,
  uniqueTestName,
  type MockProviderServer,
  type TestDatabase,
} from '@switchyard/testing';

const GIB = 1024 ** 3;
const MB = 1000 * 1000;
/** Bombs in flight at once, and rounds of them. */
const BOMBS = 6;
const ROUNDS = 5;
/** Generous: the limit (10 MiB) per bomb in flight, the zlib buffers, and the allocator's slack. */
const RSS_GROWTH_BOUND = 300 * MB;
const CHAT = JSON.stringify({ messages: [{ role: 'user', content: 'What is 1 + 1?' }] });

/** A provider that answers with a gzip bomb (1 MB inflating to 1 GiB), through the distributed topology. */
describe('a gzip bomb from an upstream, through admin, config-sync and a proxy (Postgres + Redis)', () => {
  let database: TestDatabase;
  let cluster: SwitchyardCluster;
  let openai: MockProviderServer;
  let bomber: MockProviderServer;

  beforeAll(async () => {
    [openai, bomber] = await Promise.all([
      startMockProvider('openai'),
      startMockProvider('openai', { behaviour: { gzipBombBytes: GIB } }),
    ]);
    database = await createTestDatabase('gzip_bomb');
    cluster = await SwitchyardCluster.start({
      databaseUrl: database.url,
      redisPrefix: uniqueTestName('gzip_bomb'),
      proxies: 1,
    });
    const { admin } = cluster;
    expect(
      (await admin.json('POST', '/services', { name: 'llm', url: 'http://localhost:32000' })).status,
    ).toBe(201);
    for (const [name, upstream] of [
      ['chat', openai],
      ['bomb', bomber],
    ] as const) {
      await addAiProxyRoute(admin, {
        service: 'llm',
        name,
        paths: [`/${name}`],
        plugin: [
          'config.route_type=llm/v1/chat',
          'config.model.provider=openai',
          'config.model.name=gpt-4',
          'config.auth.header_name=Authorization',
          `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
          `config.model.options.upstream_url=${upstream.url}/v1/chat/completions`,
        ],
      });
    }
    await cluster.waitUntilInSync();
  });

  afterAll(async () => {
    await cluster?.stop();
    await database?.drop();
    await Promise.all([openai?.close(), bomber?.close()]);
  });

  it('answers each bomb 502, keeps serving other requests meanwhile, and its memory stays bounded', async () => {
    const [proxy] = cluster.proxies;
    const chat = { method: 'POST', headers: { 'content-type': 'application/json' }, body: CHAT };
    // Warm up (connection pools, JIT) so that the baseline is the proxy at work, not at rest.
    for (let sent = 0; sent < 20; sent += 1) {
      expect((await fetch(`${proxy!.url}/chat`, chat)).status).toBe(200);
    }
    const baseline = (await proxy!.status()).memory.rss_bytes;
    let peak = baseline;
    const sampling = setInterval(() => {
      proxy!.status().then(
        (status) => (peak = Math.max(peak, status.memory.rss_bytes)),
        () => undefined,
      );
    }, 50);

    const loop = RequestLoop.start({ urls: [`${proxy!.url}/chat`], init: chat, requestTimeoutMs: 1000 });
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        const answers = await Promise.all(
          Array.from({ length: BOMBS }, () =>
            nodeRequest(proxy!.url, {
              path: '/bomb',
              headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
              body: CHAT,
            }),
          ),
        );
        for (const answer of answers) {
          expect(answer.status, answer.text).toBe(502);
          expect(JSON.parse(answer.text).error.message).toMatch(/PROXY_MAX_RESPONSE_BODY_BYTES/);
        }
      }
    } finally {
      clearInterval(sampling);
    }
    const report = await loop.stop();
    const after = (await proxy!.status()).memory.rss_bytes;
    console.log(
      `proxy RSS: ${Math.round(baseline / MB)} MB before ${ROUNDS} × ${BOMBS} bombs, peak ${Math.round(peak / MB)} MB, ${Math.round(after / MB)} MB after; ${report.total} other requests served meanwhile`,
    );

    expect(report.failures).toEqual([]);
    expect(report.total).toBeGreaterThan(0);
    expect(proxy!.process.child.exitCode).toBeNull();
    expect(
      Math.max(peak, after) - baseline,
      `baseline ${baseline}, peak ${peak}, after ${after}`,
    ).toBeLessThan(RSS_GROWTH_BOUND);
  });
});
