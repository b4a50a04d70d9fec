import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

/** `key=value` settings, with the defaults for keys the settings do not give. */
function withDefaults(settings: string[], defaults: Record<string, string>): string[] {
  const given = new Set(settings.map((setting) => setting.slice(0, setting.indexOf('='))));
  return [
    ...settings,
    ...Object.entries(defaults)
      .filter(([key]) => !given.has(key))
      .map(([key, value]) => `${key}=${value}`),
  ];
}

/** Every row of Kong's error table (reference §4), and the gateway's own upstream errors. */
describe('ai-proxy errors, as a client sees them', () => {
  let gateway: StandaloneGateway;
  let openai: MockProviderServer;

  beforeAll(async () => {
    openai = await startMockProvider('openai');
    gateway = await startStandaloneGateway();
    await gateway.admin.json('POST', '/services', {
      name: 'llm',
      url: 'http://localhost:32000',
      read_timeout: 1000,
    });
    const routes: [string, string[]][] = [
      ['chat', ['config.route_type=llm/v1/chat', 'config.model.name=gpt-4']],
      ['completions', ['config.route_type=llm/v1/completions', 'config.model.name=gpt-3.5-turbo-instruct']],
      ['no-model', ['config.route_type=llm/v1/chat']],
      [
        'no-stream',
        ['config.route_type=llm/v1/chat', 'config.model.name=gpt-4', 'config.response_streaming=deny'],
      ],
      [
        'small',
        ['config.route_type=llm/v1/chat', 'config.model.name=gpt-4', 'config.max_request_body_size=64'],
      ],
      ['templated', ['config.route_type=llm/v1/chat', 'config.model.name=$(uri_captures.model)']],
      [
        'wrong-key',
        [
          'config.route_type=llm/v1/chat',
          'config.model.name=gpt-4',
          'config.auth.header_value=Bearer sk-wrong',
        ],
      ],
      [
        'unreachable',
        [
          'config.route_type=llm/v1/chat',
          'config.model.name=gpt-4',
          'config.model.options.upstream_url=http://127.0.0.1:1/v1/chat/completions',
        ],
      ],
      [
        'stats',
        [
          'config.route_type=llm/v1/chat',
          'config.model.name=gpt-4',
          'config.logging.log_statistics=true',
          'config.logging.log_payloads=true',
          'config.model.options.input_cost=10',
          'config.model.options.output_cost=10',
        ],
      ],
    ];
    for (const [name, config] of routes) {
      expect(
        (await gateway.admin.json('POST', '/services/llm/routes', { name, paths: [`/${name}`] })).status,
      ).toBe(201);
      const upstreamPath = name === 'completions' ? '/v1/completions' : '/v1/chat/completions';
      const plugin = await gateway.admin.form(
        'POST',
        `/routes/${name}/plugins`,
        // A repeated form key makes a list (Kong's decoding), so a route's own setting replaces the default.
        curlData(
          'name=ai-proxy',
          'config.model.provider=openai',
          'config.auth.header_name=Authorization',
          ...withDefaults(config, {
            'config.auth.header_value': `Bearer ${MOCK_PROVIDER_API_KEY}`,
            'config.model.options.upstream_url': `${openai.url}${upstreamPath}`,
          }),
        ),
      );
      expect(plugin.status, plugin.text).toBe(201);
    }
    await waitUntilServed(gateway.proxyUrl, '/stats');
  });

  afterAll(async () => {
    await gateway?.stop();
    await openai?.close();
  });

  beforeEach(() => openai.reset());

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${gateway.proxyUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const buffer = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, buffer, text: buffer.toString() };
  }

  const expectError = async (
    response: Promise<{ status: number; text: string }>,
    status: number,
    message: string,
  ) => {
    const { status: actual, text } = await response;
    expect(actual, text).toBe(status);
    expect(JSON.parse(text)).toEqual({ error: { message } });
  };

  it('answers a body without valid prompts with 400', () =>
    expectError(post('/chat', { segassem: [] }), 400, "request body doesn't contain valid prompts"));

  it('answers malformed JSON with 400', () =>
    expectError(post('/chat', '{"messages": ['), 400, "request body doesn't contain valid prompts"));

  it('answers a chat body on a completions route with 400', () =>
    expectError(
      post('/completions', CHAT),
      400,
      '[llm/v1/chat] message format is not compatible with [llm/v1/completions] route type',
    ));

  it('answers a body with both prompt and messages with 400', () =>
    expectError(
      post('/chat', { ...CHAT, prompt: 'x' }),
      400,
      'request matches multiple LLM request formats',
    ));

  it('answers a body model other than the configured one with 400 naming it', () =>
    expectError(
      post('/chat', { ...CHAT, model: 'gpt-3.5-turbo' }),
      400,
      'cannot use own model - must be: gpt-4',
    ));

  it('answers a request without any model with 400', () =>
    expectError(
      post('/no-model', CHAT),
      400,
      'model parameter not found in request, nor in gateway configuration',
    ));

  it('uses the body model when none is configured', async () => {
    const answer = await post('/no-model', { ...CHAT, model: 'gpt-4o-mini' });
    expect(answer.status).toBe(200);
    expect(openai.lastRequest()!.body).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('answers a stream request with response_streaming=deny with 400', () =>
    expectError(
      post('/no-stream', { ...CHAT, stream: true }),
      400,
      'response streaming is not enabled for this LLM',
    ));

  it('answers a body over max_request_body_size with 413', async () => {
    const answer = await post('/small', { messages: [{ role: 'user', content: 'x'.repeat(200) }] });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).error.message).toMatch(/max_request_body_size \(64 bytes\)/);
  });

  it('answers a template whose capture is missing with 400', () =>
    expectError(post('/templated', CHAT), 400, 'uri_captures key model was not provided'));

  it('answers an upstream 200 it cannot read with 500 naming the provider and route type', async () => {
    openai.setBehaviour({ badBody: true });
    await expectError(
      post('/chat', CHAT),
      500,
      "transformation failed from type openai://llm/v1/chat: 'choices' not in llm/v1/chat response",
    );
  });

  it("passes the upstream's 401 for a wrong key through unchanged", async () => {
    const answer = await post('/wrong-key', CHAT);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text).error).toMatchObject({
      code: 'invalid_api_key',
      type: 'invalid_request_error',
    });
  });

  it('answers 502 naming the provider when the upstream cannot be reached', async () => {
    const answer = await post('/unreachable', CHAT);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.text).error.message).toMatch(
      /^could not reach the openai upstream \(127\.0\.0\.1:1\): ECONNREFUSED/,
    );
  });

  it('passes an upstream 500 with an HTML body through unchanged', async () => {
    openai.setBehaviour({ status: 500, body: '<html><body>boom</body></html>' });
    const answer = await post('/chat', CHAT);
    expect(answer.status).toBe(500);
    expect(answer.text).toBe('<html><body>boom</body></html>');
  });

  it('answers a failed stream as one non-SSE body', async () => {
    openai.setBehaviour({ status: 400 });
    const answer = await post('/chat', { ...CHAT, stream: true });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).not.toMatch(/event-stream/);
    expect(answer.text.trim().split('\n')).toHaveLength(1);
  });

  it('answers 504 naming the provider when the upstream does not answer in time', async () => {
    openai.setBehaviour({ hang: true });
    const answer = await post('/chat', CHAT);
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.text).error.message).toMatch(
      /^the openai upstream \(127\.0\.0\.1:\d+\) timed out$/,
    );
  });

  it('ends a stream that breaks upstream with an error event, never a hang', async () => {
    openai.setBehaviour({ failMidStreamAfter: 3 });
    const answer = await post('/chat', { ...CHAT, stream: true });
    expect(answer.status).toBe(200);
    const events = answer.text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toMatch(/^data: \{"error":\{"message":"upstream stream failed: .+"\}\}$/);
  });

  it('aborts the upstream stream when the client goes away', async () => {
    openai.setBehaviour({ eventCount: 64, eventIntervalMs: 20 });
    const abandonedBefore = openai.abandonedResponses;
    const client = new AbortController();
    const response = await fetch(`${gateway.proxyUrl}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...CHAT, stream: true }),
      signal: client.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    client.abort();
    // 64 events 20 ms apart would take over a second: the upstream must be cut well before.
    await expect
      .poll(() => openai.abandonedResponses, { timeout: 500, interval: 10 })
      .toBe(abandonedBefore + 1);
  });

  it('gzips the answer when the client accepts gzip', async () => {
    // undici's request, unlike fetch, hands back the bytes as they came, still compressed.
    const answer = await request(`${gateway.proxyUrl}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: JSON.stringify(CHAT),
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    const body = Buffer.from(await answer.body.arrayBuffer());
    expect(JSON.parse(gunzipSync(body).toString()).choices[0].message.content).toBe(
      'The answer to 1 + 1 is 2.',
    );
  });

  it('reads a gzipped upstream answer', async () => {
    openai.setBehaviour({ gzip: true });
    const answer = await post('/chat', CHAT);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).choices[0].message.content).toBe('The answer to 1 + 1 is 2.');
  });

  it("logs Kong's ai.proxy analytics with usage and cost when log_statistics is on", async () => {
    const answer = await post('/stats', CHAT);
    expect(answer.status).toBe(200);
    await expect
      .poll(
        () => gateway.accessLog().find((line) => (line['log'] as Record<string, unknown>)?.['ai.proxy']),
        { timeout: 3000 },
      )
      .toBeDefined();
    const line = gateway
      .accessLog()
      .find((entry) => (entry['log'] as Record<string, unknown>)?.['ai.proxy'])!;
    const analytics = (line['log'] as Record<string, Record<string, Record<string, unknown>>>)['ai.proxy']!;
    expect(analytics['meta']).toMatchObject({
      provider_name: 'openai',
      request_model: 'gpt-4',
      response_model: 'gpt-4',
    });
    expect(analytics['usage']).toMatchObject({
      prompt_tokens: 3,
      completion_tokens: 8,
      total_tokens: 11,
      cost: (3 * 10 + 8 * 10) / 1e6,
    });
    expect(analytics['payload']).toMatchObject({ request: JSON.stringify(CHAT) });
    expect(JSON.stringify(line)).not.toContain(MOCK_PROVIDER_API_KEY);
  });
});
