import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { hashCredentialKey } from '@switchyard/config';
import {
  SwitchyardCluster,
  TEST_REDIS_URL,
  configureKeyAuthScenario,
  createTestDatabase,
  startMockProvider,
  uniqueTestName,
  verifyKeyAuthScenario,
  verifyKeyExpiry,
  type KeyAuthScenario,
  type MockProviderServer,
  type TestDatabase,
} from '@switchyard/testing';

/** key-auth and consumer-scoped plugins through admin, config-sync and two proxy processes. */
describe('key-auth in the distributed mode (Postgres + Redis + 2 proxies)', () => {
  let database: TestDatabase;
  let cluster: SwitchyardCluster;
  let openai: MockProviderServer;
  let scenario: KeyAuthScenario;
  const redisPrefix = uniqueTestName('keyauth_distributed');

  beforeAll(async () => {
    openai = await startMockProvider('openai');
    database = await createTestDatabase('keyauth_distributed');
    cluster = await SwitchyardCluster.start({ databaseUrl: database.url, redisPrefix });
    scenario = await configureKeyAuthScenario(cluster.admin, openai.url);
    await cluster.waitUntilInSync();
  });

  afterAll(async () => {
    await cluster?.stop();
    await database?.drop();
    await openai?.close();
  });

  it('answers the same on every proxy: 401s, good keys with their consumer’s config, hidden keys, anonymous', async () => {
    expect(cluster.proxies).toHaveLength(2);
    for (const proxy of cluster.proxies) await verifyKeyAuthScenario(proxy.url, openai, scenario);
  });

  it('stops serving a key on every proxy once its ttl ran out', async () => {
    await verifyKeyExpiry(
      cluster.admin,
      cluster.proxies.map((proxy) => proxy.url),
    );
  });

  it('propagates key hashes only: no key is in the published snapshot', async () => {
    await cluster.waitUntilInSync();
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const stored = Object.values(await redis.hgetall(`${redisPrefix}:snapshot`)).join('\n');
      expect(stored).toContain(hashCredentialKey(scenario.bobKey));
      expect(stored).not.toContain(scenario.bobKey);
      expect(stored).not.toContain(scenario.aliceKey);
    } finally {
      redis.disconnect();
    }
  });

  it('labels each proxy’s metrics with the consumers it served', async () => {
    for (const proxy of cluster.proxies) {
      const metrics = await proxy.metrics();
      expect(metrics).toMatch(
        /kong_http_requests_total\{[^}]*route="keyauth-chat",code="200",consumer="bob"\} \d+/,
      );
      expect(metrics).toMatch(
        /kong_ai_llm_requests_total\{[^}]*ai_model="gpt-4o-mini",[^}]*consumer="alice"\} \d+/,
      );
    }
  });
});
