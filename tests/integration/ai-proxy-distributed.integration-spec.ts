import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import {
  MOCK_PROVIDER_API_KEY,
  SwitchyardCluster,
  createTestDatabase,
  curlData,
  startMockProvider,
  uniqueTestName,
  type MockProviderServer,
  type TestDatabase,
} from '@switchyard/testing';

/** The getting-started guide once through the distributed topology: admin, config-sync, two proxies. */
describe('ai-proxy in the distributed mode (Postgres + Redis + 2 proxies)', () => {
  let database: TestDatabase;
  let cluster: SwitchyardCluster;
  let openai: MockProviderServer;

  beforeAll(async () => {
    openai = await startMockProvider('openai');
    database = await createTestDatabase('ai_distributed');
    cluster = await SwitchyardCluster.start({
      databaseUrl: database.url,
      redisPrefix: uniqueTestName('ai_distributed'),
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await database?.drop();
    await openai?.close();
  });

  it('serves the guide route from every proxy, whole and streamed', async () => {
    const { admin } = cluster;
    expect(
      (await admin.form('POST', '/services', curlData('name=ai-proxy', 'url=http://localhost:32000'))).status,
    ).toBe(201);
    expect(
      (
        await admin.form(
          'POST',
          '/services/ai-proxy/routes',
          curlData('name=openai-chat', 'paths[]=~/openai-chat'),
        )
      ).status,
    ).toBe(201);
    const plugin = await admin.form(
      'POST',
      '/routes/openai-chat/plugins',
      curlData(
        'name=ai-proxy',
        'config.route_type=llm/v1/chat',
        'config.auth.header_name=Authorization',
        `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
        'config.model.provider=openai',
        'config.model.name=gpt-4',
        'config.model.options.max_tokens=512',
        'config.model.options.temperature=1.0',
        `config.model.options.upstream_url=${openai.url}/v1/chat/completions`,
      ),
    );
    expect(plugin.status).toBe(201);
    await cluster.waitUntilInSync();

    for (const proxy of cluster.proxies) {
      const sdk = new OpenAI({ baseURL: `${proxy.url}/openai-chat`, apiKey: 'unused' });
      const messages = [{ role: 'user' as const, content: 'What is 1+1?' }];
      const whole = await sdk.chat.completions.create({ model: 'gpt-4', messages });
      expect(whole.choices[0]!.message.content).toBe('The answer to 1 + 1 is 2.');
      let streamed = '';
      for await (const chunk of await sdk.chat.completions.create({
        model: 'gpt-4',
        messages,
        stream: true,
      })) {
        streamed += chunk.choices[0]?.delta?.content ?? '';
      }
      expect(streamed).toBe('The answer to 1 + 1 is 2.');
      expect(openai.lastRequest()!.body).toMatchObject({ model: 'gpt-4', max_tokens: 512, temperature: 1 });
    }
  });
});
