import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import {
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
  let scenario: KeyAuthScenario;

  beforeAll(async () => {
    openai = await startMockProvider('openai');
    gateway = await startStandaloneGateway();
    scenario = await configureKeyAuthScenario(gateway.admin, openai.url);
    await waitUntilServed(gateway.proxyUrl, '/keyauth-anonymous');
  });

  afterAll(async () => {
    await gateway?.stop();
    await openai?.close();
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
});
