import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOCK_PROVIDER_API_KEY,
  curlData,
  startMockProvider,
  startStandaloneGateway,
  waitUntilServed,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

const CHAT = { messages: [{ role: 'user', content: 'What is 1+1?' }] };
const AUTH_HEADER = `Bearer ${MOCK_PROVIDER_API_KEY}`;

/** Kong's vault references keep provider keys out of the database and the Admin API. */
describe('vault references in plugin configs, end to end on the standalone gateway', () => {
  let gateway: StandaloneGateway;
  let openai: MockProviderServer;

  beforeAll(async () => {
    openai = await startMockProvider('openai');
    gateway = await startStandaloneGateway({
      OPENAI_AUTH_HEADER: AUTH_HEADER,
      LLM_KEYS: JSON.stringify({ openai: AUTH_HEADER }),
    });
    expect(
      (await gateway.admin.json('POST', '/services', { name: 'llm', url: 'http://localhost:32000' })).status,
    ).toBe(201);
    for (const [name, reference] of [
      ['vaulted', '{vault://env/openai-auth-header}'],
      ['json-vaulted', '{vault://env/llm-keys/openai}'],
      ['unset', '{vault://env/switchyard-test-unset-key}'],
    ]) {
      const route = await gateway.admin.json('POST', '/services/llm/routes', { name, paths: [`/${name}`] });
      expect(route.status, route.text).toBe(201);
      const plugin = await gateway.admin.form('POST', `/routes/${name}/plugins`, pluginData(reference!));
      expect(plugin.status, plugin.text).toBe(201);
    }
    await waitUntilServed(gateway.proxyUrl, '/unset');
  });

  afterAll(async () => {
    await gateway?.stop();
    await openai?.close();
  });

  function pluginData(headerValue: string, ...more: string[]): [string, string][] {
    return curlData(
      'name=ai-proxy',
      'config.route_type=llm/v1/chat',
      'config.model.provider=openai',
      'config.model.name=gpt-4',
      `config.model.options.upstream_url=${openai.url}/v1/chat/completions`,
      'config.auth.header_name=Authorization',
      `config.auth.header_value=${headerValue}`,
      'config.logging.log_statistics=true',
      'config.logging.log_payloads=true',
      ...more,
    );
  }

  async function ask(path: string) {
    const response = await fetch(`${gateway.proxyUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(CHAT),
    });
    return { status: response.status, text: await response.text() };
  }

  it('stores the reference as written: GET /plugins shows it, never the secret', async () => {
    const plugins = await gateway.admin.get('/plugins');
    expect(plugins.status).toBe(200);
    const headerValues = plugins.body.data.map(
      (plugin: { config: { auth: { header_value: string } } }) => plugin.config.auth.header_value,
    );
    expect(headerValues.sort()).toEqual([
      '{vault://env/llm-keys/openai}',
      '{vault://env/openai-auth-header}',
      '{vault://env/switchyard-test-unset-key}',
    ]);
    expect(plugins.text).not.toContain(MOCK_PROVIDER_API_KEY);
  });

  it('sends the secret the reference names to the provider', async () => {
    for (const path of ['/vaulted', '/json-vaulted']) {
      openai.reset();
      const answer = await ask(path);
      expect(answer.status, answer.text).toBe(200);
      expect(openai.lastRequest()!.headers['authorization']).toBe(AUTH_HEADER);
    }
  });

  it('answers 500 naming the reference and the variable to set when the variable is unset, and serves the other routes', async () => {
    openai.reset();
    const answer = await ask('/unset');
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.text)).toEqual({
      error: {
        message:
          'the ai-proxy plugin of this route cannot resolve its vault references on this proxy: {vault://env/switchyard-test-unset-key} (config.auth.header_value): the environment variable SWITCHYARD_TEST_UNSET_KEY is not set',
      },
    });
    expect(openai.lastRequest()).toBeUndefined();
    expect((await ask('/vaulted')).status).toBe(200);
    // The log is written in blocks, at least every 250 ms.
    await expect
      .poll(() => gateway.process.output(), { timeout: 2000 })
      .toContain(
        '"reference":"{vault://env/switchyard-test-unset-key}","variable":"SWITCHYARD_TEST_UNSET_KEY"',
      );
  });

  it('refuses a malformed reference and a reference in a field that takes none, naming the field', async () => {
    const malformed = await gateway.admin.form(
      'POST',
      '/routes/vaulted/plugins',
      pluginData('{vault://env/}'),
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.fields).toEqual({
      config: {
        auth: { header_value: "invalid vault reference '{vault://env/}': the secret name is missing" },
      },
    });
    const misplaced = await gateway.admin.form(
      'POST',
      '/routes/vaulted/plugins',
      pluginData('{vault://env/openai-auth-header}', 'config.model.options.upstream_path={vault://env/path}'),
    );
    expect(misplaced.status).toBe(400);
    expect(misplaced.body.fields.config.model.options.upstream_path).toBe(
      "a vault reference is not allowed in this field: only fields the plugin's schema marks referenceable take one",
    );
  });

  it('never writes the secret to the access log or the process output', async () => {
    expect((await ask('/vaulted')).status).toBe(200);
    await expect.poll(() => gateway.accessLog().length, { timeout: 2000 }).toBeGreaterThanOrEqual(4);
    expect(gateway.process.output()).not.toContain(MOCK_PROVIDER_API_KEY);
  });
});
