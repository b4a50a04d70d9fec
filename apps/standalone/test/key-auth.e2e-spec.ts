import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import {
  MOCK_PROVIDER_API_KEY,
  configureKeyAuthScenario,
  startMockProvider,
  startStandaloneGateway,
  verifyKeyAuthScenario,
  verifyKeyExpiry,
  waitUntilServed,
  type KeyAuthScenario,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

describe('key-auth and consumers on the standalone gateway, with the OpenAI SDK', () => {
  let gateway: StandaloneGateway;
  let openai: MockProviderServer;
  /** The model of `ai-request-transformer` on `/keyauth-transformed`. */
  let transformLlm: MockProviderServer;
  let scenario: KeyAuthScenario;

  /** key-auth reading and hiding the key in the body, then ai-request-transformer, then ai-proxy. */
  async function addTransformedRoute(): Promise<void> {
    const route = await gateway.admin.json('POST', '/services/keyauth-llm/routes', {
      name: 'keyauth-transformed',
      paths: ['/keyauth-transformed'],
    });
    expect(route.status, route.text).toBe(201);
    const llm = (name: string, upstream: MockProviderServer) => ({
      route_type: 'llm/v1/chat',
      auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
      model: { provider: 'openai', name, options: { upstream_url: `${upstream.url}/v1/chat/completions` } },
      logging: { log_statistics: true },
    });
    for (const plugin of [
      { name: 'key-auth', config: { key_in_body: true, hide_credentials: true } },
      {
        name: 'ai-request-transformer',
        config: {
          prompt: 'Translate the user messages into French.',
          llm: llm('gpt-3.5-turbo', transformLlm),
        },
      },
      { name: 'ai-proxy', config: llm('gpt-4', openai) },
    ]) {
      const created = await gateway.admin.json('POST', '/routes/keyauth-transformed/plugins', plugin);
      expect(created.status, created.text).toBe(201);
    }
  }

  beforeAll(async () => {
    [openai, transformLlm] = await Promise.all([startMockProvider('openai'), startMockProvider('openai')]);
    gateway = await startStandaloneGateway();
    scenario = await configureKeyAuthScenario(gateway.admin, openai.url);
    await addTransformedRoute();
    await waitUntilServed(gateway.proxyUrl, '/keyauth-transformed');
  });

  afterAll(async () => {
    await gateway?.stop();
    await openai?.close();
    await transformLlm?.close();
  });

  it('refuses requests without a valid key, serves good keys with their consumer’s config, hides keys, serves the anonymous consumer', async () => {
    await verifyKeyAuthScenario(gateway.proxyUrl, openai, scenario);
  });

  it('stops serving a key once its ttl ran out', async () => {
    await verifyKeyExpiry(gateway.admin, [gateway.proxyUrl]);
  });

  it('records the consumer in the access log next to the ai.proxy analytics, and never the key', async () => {
    const sdk = new OpenAI({
      baseURL: `${gateway.proxyUrl}/keyauth-chat`,
      apiKey: 'sk-unused',
      defaultHeaders: { apikey: scenario.aliceKey },
    });
    await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    let line: Record<string, unknown> | undefined;
    await expect
      .poll(
        () =>
          (line = gateway
            .accessLog()
            .find(
              (entry) =>
                (entry['consumer'] as { username?: string } | undefined)?.username === 'alice' &&
                entry['path'] === '/keyauth-chat/chat/completions',
            )),
        { timeout: 3_000 },
      )
      .toBeDefined();
    expect(line).toMatchObject({
      status: 200,
      consumer: { username: 'alice', custom_id: null },
      authenticated_entity: { id: expect.any(String) },
      log: { 'ai.proxy': { meta: { request_model: 'gpt-4o-mini', provider_name: 'openai' } } },
    });
    expect(gateway.process.output()).not.toContain(scenario.aliceKey);
  });

  it('labels the request metrics with the consumer', async () => {
    const metrics = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /kong_http_requests_total\{[^}]*route="keyauth-chat",code="200",consumer="alice"\} \d+/,
    );
    expect(metrics).toMatch(
      /kong_ai_llm_requests_total\{[^}]*ai_model="gpt-4o-mini",[^}]*consumer="alice"\} \d+/,
    );
    expect(metrics).toMatch(
      /kong_http_requests_total\{[^}]*route="keyauth-chat",code="401",consumer=""\} \d+/,
    );
  });

  it('hides a body key from the request transformer, whose rewritten body ai-proxy sends, and counts its call under the consumer', async () => {
    const french = { messages: [{ role: 'user', content: 'Bonjour !' }] };
    transformLlm.setBehaviour({ replyText: JSON.stringify(french) });
    const response = await fetch(`${gateway.proxyUrl}/keyauth-transformed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello!' }], apikey: scenario.aliceKey }),
    });
    expect(response.status, await response.text()).toBe(200);

    // The transformer's model got the body without the key, and ai-proxy sent what it answered.
    const asked = transformLlm.lastRequest()!.body as { messages: { role: string; content: string }[] };
    expect(JSON.parse(asked.messages[1]!.content)).toEqual({
      messages: [{ role: 'user', content: 'Hello!' }],
    });
    expect(openai.lastRequest()!.body).toMatchObject({ model: 'gpt-4', ...french });
    expect(JSON.stringify([asked, openai.lastRequest()!.body])).not.toContain(scenario.aliceKey);

    const metrics = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /kong_ai_llm_requests_total\{[^}]*ai_model="gpt-3\.5-turbo",[^}]*consumer="alice"\} 1/,
    );
    expect(metrics).toMatch(
      /kong_ai_llm_tokens_total\{[^}]*ai_model="gpt-3\.5-turbo",[^}]*consumer="alice",token_type="total_tokens"\} [1-9]/,
    );
  });
});
