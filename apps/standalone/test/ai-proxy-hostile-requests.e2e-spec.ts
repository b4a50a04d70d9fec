import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MOCK_PROVIDER_API_KEY,
  addAiProxyRoute,
  nodeRequest,
  startMockProvider,
  startStandaloneGateway,
  waitUntilServed,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

const MESSAGES = [{ role: 'user' as const, content: 'What is 1+1?' }];
const CHAT = JSON.stringify({ messages: MESSAGES });
const JSON_HEADERS = { 'content-type': 'application/json' };

/** What a client crafts to reach another host, another path, or the provider with its own credentials. */
describe('ai-proxy against hostile requests', () => {
  let gateway: StandaloneGateway;
  let openai: MockProviderServer;
  /** Stands where a client would like the gateway to send its requests (and the configured key). */
  let elsewhere: MockProviderServer;

  beforeAll(async () => {
    [openai, elsewhere] = await Promise.all([startMockProvider('openai'), startMockProvider('azure')]);
    gateway = await startStandaloneGateway();
    expect(
      (await gateway.admin.json('POST', '/services', { name: 'llm', url: 'http://localhost:32000' })).status,
    ).toBe(201);
    const openaiRoute = (name: string, paths: string[], plugin: string[]) =>
      addAiProxyRoute(gateway.admin, {
        service: 'llm',
        name,
        paths,
        plugin: ['config.route_type=llm/v1/chat', 'config.model.provider=openai', ...plugin],
      });
    await addAiProxyRoute(gateway.admin, {
      service: 'llm',
      name: 'az',
      paths: ['~/az/(?<inst>[^/]+)/chat$'],
      plugin: [
        'config.route_type=llm/v1/chat',
        'config.model.provider=azure',
        'config.model.name=gpt-4',
        'config.auth.header_name=api-key',
        `config.auth.header_value=${MOCK_PROVIDER_API_KEY}`,
        'config.model.options.azure_instance=$(uri_captures.inst)',
        'config.model.options.azure_deployment_id=gpt-4',
      ],
    });
    await openaiRoute(
      'moded',
      ['/moded'],
      [
        'config.model.name=gpt-4',
        'config.auth.header_name=Authorization',
        `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
        `config.model.options.upstream_url=${openai.url}/v1/$(headers.x-mode)/completions`,
      ],
    );
    await openaiRoute(
      'open-model',
      ['/open-model'],
      [
        'config.auth.header_name=Authorization',
        `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
        `config.model.options.upstream_url=${openai.url}/v1/chat/completions`,
        'config.max_request_body_size=65536',
      ],
    );
    await openaiRoute(
      'keyed',
      ['/keyed'],
      [
        'config.model.name=gpt-4',
        'config.auth.header_name=x-api-key',
        'config.auth.header_value=sk-configured',
        `config.model.options.upstream_url=${openai.url}/v1/chat/completions`,
      ],
    );
    await waitUntilServed(gateway.proxyUrl, '/keyed');
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([openai?.close(), elsewhere?.close()]);
  });

  beforeEach(() => {
    openai.reset();
    elsewhere.reset();
  });

  const errorOf = (text: string) => (JSON.parse(text) as { error: { message: string } }).error.message;

  describe('template values that would change where the request goes', () => {
    it('answers 400 naming the template when a URI capture would make the Azure host another origin, and calls nobody', async () => {
      const { port } = new URL(elsewhere.url);
      const answer = await nodeRequest(gateway.proxyUrl, {
        path: `/az/127.0.0.1:${port}#/chat`,
        headers: JSON_HEADERS,
        body: CHAT,
      });

      expect(answer.status, answer.text).toBe(400);
      expect(errorOf(answer.text)).toMatch(
        /^model\.options\.azure_instance: the value of \$\(uri_captures\.inst\) cannot be part of a host name; .*letters, digits and '-'/,
      );
      expect(elsewhere.requests).toEqual([]);
    });

    it('answers 400, not 500, to a capture that holds an encoded #', async () => {
      const answer = await nodeRequest(gateway.proxyUrl, {
        path: '/az/x%23/chat',
        headers: JSON_HEADERS,
        body: CHAT,
      });

      expect(answer.status, answer.text).toBe(400);
      expect(errorOf(answer.text)).toMatch(/azure_instance/);
    });

    it('keeps a header in its own segment of a templated upstream_url: encoded, and 400 for a dot segment', async () => {
      const climbing = await nodeRequest(gateway.proxyUrl, {
        path: '/moded',
        headers: { ...JSON_HEADERS, 'x-mode': '../_seen' },
        body: CHAT,
      });
      // The provider's own 404 for a path it does not serve, passed through: never `/_seen/completions`.
      expect(climbing.status).toBe(404);
      expect(openai.lastRequest()!.path).toBe('/v1/..%2F_seen/completions');

      const dots = await nodeRequest(gateway.proxyUrl, {
        path: '/moded',
        headers: { ...JSON_HEADERS, 'x-mode': '..' },
        body: CHAT,
      });
      expect(dots.status, dots.text).toBe(400);
      expect(errorOf(dots.text)).toBe(
        "model.options.upstream_url: the value of $(headers.x-mode) cannot be '.' or '..' in a URL path; it would move the request to another path",
      );
      expect(openai.requests).toHaveLength(1);
    });

    it('percent-encodes a header value into one segment of a templated upstream_url', async () => {
      const ok = await nodeRequest(gateway.proxyUrl, {
        path: '/moded',
        headers: { ...JSON_HEADERS, 'x-mode': 'chat' },
        body: CHAT,
      });
      expect(ok.status, ok.text).toBe(200);

      const odd = await nodeRequest(gateway.proxyUrl, {
        path: '/moded',
        headers: { ...JSON_HEADERS, 'x-mode': 'chat/../../x?y=1#' },
        body: CHAT,
      });
      expect(odd.status).toBe(404);
      expect(openai.lastRequest()!.path).toBe('/v1/chat%2F..%2F..%2Fx%3Fy%3D1%23/completions');
    });
  });

  describe('bodies the provider must never see', () => {
    it.each([
      ['a non-Latin-1 character', 'gpt-4-模型'],
      ['CR LF', 'gpt-4\r\nx-injected: yes'],
      ['NUL', 'gpt-4\u0000'],
    ])('answers a body model with %s with 400 before calling the provider', async (_what, model) => {
      const sdk = new OpenAI({ baseURL: `${gateway.proxyUrl}/open-model`, apiKey: 'unused', maxRetries: 0 });

      const failure = await sdk.chat.completions
        .create({ model, messages: MESSAGES })
        .catch((error) => error);
      expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
      expect((failure as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(
        /model name .* printable ASCII/,
      );
      expect(openai.requests).toEqual([]);
    });

    it('answers JSON nested 5,000 deep with 400 naming the limit', async () => {
      const deep = `{"model":"gpt-4","messages":[{"role":"user","content":"x"}],"metadata":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const answer = await nodeRequest(gateway.proxyUrl, {
        path: '/open-model',
        headers: JSON_HEADERS,
        body: deep,
      });

      expect(answer.status, answer.text).toBe(400);
      expect(errorOf(answer.text)).toMatch(/nested deeper than 64 levels/);
      expect(openai.requests).toEqual([]);
    });
  });

  describe('what reaches the provider', () => {
    it("never forwards the client's own credentials on a route whose auth uses another header", async () => {
      const sdk = new OpenAI({
        baseURL: `${gateway.proxyUrl}/keyed`,
        apiKey: 'sk-client-own',
        maxRetries: 0,
      });
      // The mock checks `Authorization`, which this route does not set: it answers 401, passed through.
      await sdk.chat.completions.create({ model: 'gpt-4', messages: MESSAGES }).catch(() => undefined);
      await nodeRequest(gateway.proxyUrl, {
        path: '/keyed',
        headers: {
          ...JSON_HEADERS,
          cookie: 'session=abc',
          'api-key': 'client-azure-key',
          'x-api-key': 'client-anthropic-key',
          'proxy-authorization': 'Basic eDp5',
        },
        body: CHAT,
      });

      expect(openai.requests).toHaveLength(2);
      for (const { headers } of openai.requests) {
        expect(headers['x-api-key']).toBe('sk-configured');
        expect(headers).not.toHaveProperty('authorization');
        expect(headers).not.toHaveProperty('cookie');
        expect(headers).not.toHaveProperty('api-key');
        expect(headers).not.toHaveProperty('proxy-authorization');
      }
    });

    it('drops hop-by-hop headers and those the client names in Connection', async () => {
      await nodeRequest(gateway.proxyUrl, {
        path: '/keyed',
        headers: {
          ...JSON_HEADERS,
          connection: 'keep-alive, x-hop-secret',
          'x-hop-secret': 'for the gateway only',
          'keep-alive': 'timeout=5',
          te: 'trailers',
          'x-end-to-end': 'kept',
        },
        body: CHAT,
      });

      const { headers } = openai.lastRequest()!;
      expect(headers).not.toHaveProperty('x-hop-secret');
      expect(headers).not.toHaveProperty('te');
      expect(headers['keep-alive']).toBeUndefined();
      expect(headers['x-end-to-end']).toBe('kept');
    });

    it('appends the client address to X-Forwarded-For and sets X-Forwarded-Proto, -Host, -Port and X-Real-IP as Kong does', async () => {
      const { hostname, port } = new URL(gateway.proxyUrl);
      await nodeRequest(gateway.proxyUrl, {
        path: '/keyed',
        headers: {
          ...JSON_HEADERS,
          'x-forwarded-for': '203.0.113.7',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'spoofed.example',
        },
        body: CHAT,
      });

      expect(openai.lastRequest()!.headers).toMatchObject({
        'x-forwarded-for': '203.0.113.7, 127.0.0.1',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': hostname,
        'x-forwarded-port': port,
        'x-real-ip': '127.0.0.1',
      });
    });

    it('answers a compressed client body with 415, and never forwards a Content-Encoding with a body it rewrote', async () => {
      const gzipped = await nodeRequest(gateway.proxyUrl, {
        path: '/keyed',
        headers: { ...JSON_HEADERS, 'content-encoding': 'gzip' },
        body: gzipSync(CHAT),
      });
      expect(gzipped.status, gzipped.text).toBe(415);
      expect(errorOf(gzipped.text)).toMatch(/Content-Encoding 'gzip'.*send the body uncompressed/);

      const mislabelled = await nodeRequest(gateway.proxyUrl, {
        path: '/keyed',
        headers: { ...JSON_HEADERS, 'content-encoding': 'gzip' },
        body: CHAT,
      });
      expect(mislabelled.status).toBe(415);
      expect(openai.requests).toEqual([]);
    });
  });
});
