import { describe, expect, it } from 'vitest';
import { openConfigStore } from '@switchyard/config';
import { createTestDatabase, curlData, type TestDatabase } from '@switchyard/testing';
import { startInProcessAdmin, type AdminUnderTest } from './in-process-admin.js';

/** Kong's docs example (strategy redis, its own Redis, sync_rate), as a form-encoded curl, plus a namespace. */
const KONG_EXAMPLE = [
  'name=ai-rate-limiting-advanced',
  'config.strategy=redis',
  'config.redis.host=host.docker.internal',
  'config.redis.port=16379',
  'config.redis.password=redis-secret',
  'config.sync_rate=0',
  'config.namespace=team-a',
  'config.llm_providers[1].name=cohere',
  'config.llm_providers[1].limit[1]=100',
  'config.llm_providers[1].window_size[1]=60',
  'config.llm_providers[1].limit[2]=1000',
  'config.llm_providers[1].window_size[2]=3600',
];

function describeKongConfig(storeName: string, admin: () => AdminUnderTest) {
  describe(`ai-rate-limiting-advanced with Kong's config on ${storeName}`, () => {
    it("creates the plugin from Kong's form-encoded curl unchanged, Kong's defaults filled", async () => {
      const { client } = admin();
      const created = await client.form('POST', '/plugins', curlData(...KONG_EXAMPLE));
      expect(created.status).toBe(201);
      expect(created.body.config).toMatchObject({
        strategy: 'redis',
        sync_rate: 0,
        namespace: 'team-a',
        dictionary_name: 'kong_rate_limiting_counters',
        disable_penalty: false,
        redis: {
          host: 'host.docker.internal',
          port: 16379,
          password: 'redis-secret',
          database: 0,
          ssl: false,
          ssl_verify: true,
          keepalive_pool_size: 256,
        },
        llm_providers: [{ name: 'cohere', limit: [100, 1000], window_size: [60, 3600] }],
      });
      const read = await client.get(`/plugins/${created.body.id}`);
      expect(read.body.config).toEqual(created.body.config);
    });

    it('accepts strategy cluster', async () => {
      const { client } = admin();
      const service = await client.form(
        'POST',
        '/services',
        curlData('name=rl-cluster', 'url=http://localhost:32000'),
      );
      expect(service.status).toBe(201);
      const created = await client.form(
        'POST',
        '/services/rl-cluster/plugins',
        curlData(
          'name=ai-rate-limiting-advanced',
          'config.strategy=cluster',
          'config.sync_rate=-1',
          'config.llm_providers[1].name=openai',
          'config.llm_providers[1].limit[1]=1000',
          'config.llm_providers[1].window_size[1]=60',
        ),
      );
      expect(created.status).toBe(201);
      expect(created.body.config).toMatchObject({ strategy: 'cluster', sync_rate: -1 });
    });

    it.each([
      [['config.identifier=consumer-group'], "'config.identifier' 'consumer-group'"],
      [['config.custom_cost_count_function=return 1'], "'config.custom_cost_count_function'"],
      [
        ['config.policies[1].limits[1].limit=10', 'config.policies[1].limits[1].window_size=60'],
        "'config.policies'",
      ],
    ])('refuses %s with a 400 naming it as not supported by this gateway', async (settings, named) => {
      const response = await admin().client.form('POST', '/plugins', curlData(...KONG_EXAMPLE, ...settings));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 2, name: 'schema violation' });
      expect(response.body.message).toContain(`${named} is not supported by this gateway`);
    });
  });
}

describeKongConfig(
  'SQLite',
  startInProcessAdmin(() => openConfigStore({ dataDir: 'memory://' })),
);

let database: TestDatabase;
describeKongConfig(
  'PostgreSQL',
  startInProcessAdmin(
    async () => {
      database = await createTestDatabase('admin-rl-kong');
      return openConfigStore({ databaseUrl: database.url, dataDir: '' });
    },
    () => database.drop(),
  ),
);
