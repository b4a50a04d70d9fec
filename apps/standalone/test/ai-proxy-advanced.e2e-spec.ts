import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_AWS_CREDENTIALS,
  MOCK_PROVIDER_API_KEY,
  OtlpSink,
  startMockProvider,
  startStandaloneGateway,
  waitUntilServed,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

const MESSAGES = [{ role: 'user' as const, content: 'What is 1 + 1?' }];
const BEDROCK_MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const OPENAI_TARGET = 'openai/gpt-4o';
const ANTHROPIC_TARGET = 'anthropic/claude-3-5-haiku-latest';
const BEDROCK_TARGET = `bedrock/${BEDROCK_MODEL}`;
/** The balancer's read_timeout: a target silent for longer is a `timeout`. */
const READ_TIMEOUT_MS = 800;
/** The circuit breaker's `fail_timeout`. */
const BREAKER_TIMEOUT_MS = 1500;

/** A port nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `ai-proxy-advanced` on the standalone gateway, driven by the official `openai` client, over
 * three mock providers of different wire formats with fault switches: OpenAI first (priority),
 * then Anthropic, then Bedrock.
 */
describe('ai-proxy-advanced: failover across providers', () => {
  let gateway: StandaloneGateway;
  let openai: MockProviderServer;
  let anthropic: MockProviderServer;
  let bedrock: MockProviderServer;
  let sink: OtlpSink;

  function targets(openaiUrl: string) {
    return [
      {
        route_type: 'llm/v1/chat',
        weight: 100,
        auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
        model: { provider: 'openai', name: 'gpt-4o', options: { upstream_url: openaiUrl } },
        logging: { log_statistics: true },
      },
      {
        route_type: 'llm/v1/chat',
        weight: 50,
        auth: { header_name: 'x-api-key', header_value: MOCK_PROVIDER_API_KEY },
        model: {
          provider: 'anthropic',
          name: 'claude-3-5-haiku-latest',
          options: {
            anthropic_version: '2023-06-01',
            max_tokens: 256,
            upstream_url: `${anthropic.url}/v1/messages`,
          },
        },
        logging: { log_statistics: true },
      },
      {
        route_type: 'llm/v1/chat',
        weight: 10,
        auth: {
          aws_access_key_id: MOCK_AWS_CREDENTIALS.accessKeyId,
          aws_secret_access_key: MOCK_AWS_CREDENTIALS.secretAccessKey,
        },
        model: {
          provider: 'bedrock',
          name: BEDROCK_MODEL,
          options: { bedrock: { aws_region: 'eu-west-3' } },
        },
        logging: { log_statistics: true },
      },
    ];
  }

  async function addRoute(name: string, config: Record<string, unknown>): Promise<void> {
    const route = await gateway.admin.json('POST', '/services/llm/routes', { name, paths: [`/${name}`] });
    expect(route.status, route.text).toBe(201);
    const plugin = await gateway.admin.json('POST', `/routes/${name}/plugins`, {
      name: 'ai-proxy-advanced',
      config,
    });
    expect(plugin.status, plugin.text).toBe(201);
  }

  beforeAll(async () => {
    [openai, anthropic, bedrock, sink] = await Promise.all([
      startMockProvider('openai'),
      startMockProvider('anthropic'),
      startMockProvider('bedrock'),
      OtlpSink.start(),
    ]);
    gateway = await startStandaloneGateway({
      // Bedrock's URL is built from its region; the AWS endpoint override points it at the mock.
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    const service = await gateway.admin.json('POST', '/services', {
      name: 'llm',
      url: 'http://localhost:32000',
    });
    expect(service.status, service.text).toBe(201);
    const openaiUrl = `${openai.url}/v1/chat/completions`;
    const balancer = {
      algorithm: 'priority',
      retries: 3,
      read_timeout: READ_TIMEOUT_MS,
      failover_criteria: ['error', 'timeout', 'http_429', 'http_500', 'http_503', 'non_idempotent'],
    };
    await addRoute('fallback', { targets: targets(openaiUrl), balancer });
    // Kong's default criteria (error, timeout) without non_idempotent: a sent POST never fails over.
    await addRoute('kong-defaults', { targets: targets(openaiUrl), balancer: { algorithm: 'priority' } });
    const every = ['http_403', 'http_404', 'http_429', 'http_500', 'http_502', 'http_503', 'http_504'];
    await addRoute('every-status', {
      targets: targets(openaiUrl),
      balancer: { algorithm: 'priority', failover_criteria: [...every, 'non_idempotent'] },
    });
    const two = targets(openaiUrl).slice(0, 2);
    await addRoute('breaker', {
      targets: two,
      balancer: {
        algorithm: 'round-robin',
        failover_criteria: ['error', 'http_500', 'non_idempotent'],
        max_fails: 2,
        fail_timeout: BREAKER_TIMEOUT_MS,
      },
    });
    await addRoute('busy', {
      targets: two,
      balancer: { algorithm: 'priority', failover_criteria: ['error', 'http_429', 'non_idempotent'] },
    });
    await addRoute('fastest', {
      targets: two,
      balancer: { algorithm: 'lowest-latency', latency_strategy: 'e2e' },
    });
    await addRoute('sticky', {
      targets: targets(openaiUrl),
      balancer: { algorithm: 'consistent-hashing', hash_on_header: 'x-user' },
    });
    await addRoute('bedrock-first', {
      targets: [
        { ...targets(openaiUrl)[2]!, weight: 100 },
        { ...targets(openaiUrl)[0]!, weight: 50 },
      ],
      balancer: { algorithm: 'priority', failover_criteria: ['error', 'non_idempotent'] },
    });
    const refused = `http://127.0.0.1:${await closedPort()}/v1/chat/completions`;
    await addRoute('unreachable-first', { targets: targets(refused), balancer: { algorithm: 'priority' } });
    await waitUntilServed(gateway.proxyUrl, '/unreachable-first');
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([openai?.close(), anthropic?.close(), bedrock?.close(), sink?.close()]);
  });

  beforeEach(() => {
    for (const mock of [openai, anthropic, bedrock]) mock.reset();
  });

  function client(route: string, tag: string, headers: Record<string, string> = {}): OpenAI {
    return new OpenAI({
      baseURL: `${gateway.proxyUrl}/${route}/${tag}`,
      apiKey: 'client-key',
      maxRetries: 0,
      defaultHeaders: headers,
    });
  }

  /** Asks `count` chats in a row; each must be answered. */
  async function chats(route: string, count: number, headers: Record<string, string> = {}): Promise<void> {
    for (let n = 0; n < count; n += 1) {
      const answer = await client(route, `n${n}`, headers).chat.completions.create({
        model: 'gpt-4o',
        messages: MESSAGES,
      });
      expect(answer.choices[0]?.message.content).toBe(DEFAULT_REPLY_TEXT);
    }
  }

  async function streamChat(route: string, tag: string): Promise<{ text: string; error: unknown }> {
    let text = '';
    try {
      const stream = await client(route, tag).chat.completions.create({
        model: 'gpt-4o',
        messages: MESSAGES,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    } catch (error) {
      return { text, error };
    }
    return { text, error: undefined };
  }

  async function accessLineOf(path: string): Promise<Record<string, unknown>> {
    let line: Record<string, unknown> | undefined;
    await expect
      .poll(() => (line = gateway.accessLog().find((entry) => entry['path'] === path)), { timeout: 3000 })
      .toBeDefined();
    return line!;
  }

  async function metric(name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
    const line = text.split('\n').find((row) => row.startsWith(`${name}{`) && row.includes(labels));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  const requestsTo = () => [openai.requests.length, anthropic.requests.length, bedrock.requests.length];

  it('answers a whole request from Bedrock after OpenAI failed with 500 and Anthropic with 429, in one clean answer', async () => {
    openai.setBehaviour({ status: 500 });
    anthropic.setBehaviour({ status: 429 });
    const failoversBefore = await metric('switchyard_upstream_failovers_total', `target="${OPENAI_TARGET}"`);
    const answer = await client('fallback', 'whole').chat.completions.create({
      model: 'gpt-4o',
      messages: MESSAGES,
    });
    expect(answer.choices[0]?.message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(requestsTo()).toEqual([1, 1, 1]);
    // Each provider got the request in its own format, signed for it.
    expect(anthropic.lastRequest()?.headers['x-api-key']).toBe(MOCK_PROVIDER_API_KEY);
    expect(bedrock.lastRequest()?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect((bedrock.lastRequest()?.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: [{ text: 'What is 1 + 1?' }] },
    ]);

    const line = await accessLineOf('/fallback/whole/chat/completions');
    expect(line['status']).toBe(200);
    expect(line['attempts']).toEqual([
      { target: OPENAI_TARGET, failedOver: 'http_500' },
      { target: ANTHROPIC_TARGET, failedOver: 'http_429' },
      { target: BEDROCK_TARGET },
    ]);
    const meta = (line['log'] as Record<string, { meta: Record<string, unknown> }>)['ai.proxy']!.meta;
    expect(meta['provider_name']).toBe('bedrock');
    expect(meta['balancer']).toEqual({
      algorithm: 'priority',
      target: BEDROCK_TARGET,
      target_index: 2,
      attempts: 3,
      failovers: [
        { target: OPENAI_TARGET, reason: 'http_500' },
        { target: ANTHROPIC_TARGET, reason: 'http_429' },
      ],
    });
    expect(
      await metric('switchyard_upstream_failovers_total', `target="${OPENAI_TARGET}",reason="http_500"`),
    ).toBe(failoversBefore + 1);
    expect(await metric('switchyard_upstream_attempts_total', `target="${BEDROCK_TARGET}"`)).toBeGreaterThan(
      0,
    );
  });

  it('traces one client span per attempt under the server span, each failed one with its reason', async () => {
    openai.setBehaviour({ status: 503 });
    const answer = await client('fallback', 'traced').chat.completions.create({
      model: 'gpt-4o',
      messages: MESSAGES,
    });
    expect(answer.choices[0]?.message.content).toBe(DEFAULT_REPLY_TEXT);
    const line = await accessLineOf('/fallback/traced/chat/completions');
    const traceId = line['traceId'] as string;
    await expect
      .poll(() => sink.spans.filter((span) => span.traceId === traceId && span.kind === 3).length, {
        timeout: 5000,
      })
      .toBe(2);
    const server = sink.spans.find((span) => span.traceId === traceId && span.kind === 2)!;
    const clients = sink.spans.filter((span) => span.traceId === traceId && span.kind === 3);
    const failed = clients.find((span) => span.attributes['switchyard.upstream.target'] === OPENAI_TARGET)!;
    const answered = clients.find(
      (span) => span.attributes['switchyard.upstream.target'] === ANTHROPIC_TARGET,
    )!;
    expect(failed.parentSpanId).toBe(server.spanId);
    expect(answered.parentSpanId).toBe(server.spanId);
    expect([
      failed.statusCode,
      failed.attributes['error.type'],
      failed.attributes['http.response.status_code'],
    ]).toEqual([2, 'http_503', 503]);
    expect(answered.statusCode).not.toBe(2);
    expect(answered.attributes['gen_ai.provider.name']).toBe('anthropic');
  });

  it('streams from Bedrock after OpenAI failed with 500 and Anthropic with 503, the client getting one clean stream', async () => {
    openai.setBehaviour({ status: 500 });
    anthropic.setBehaviour({ status: 503 });
    const { text, error } = await streamChat('fallback', 'streamed');
    expect(error).toBeUndefined();
    expect(text).toBe(DEFAULT_REPLY_TEXT);
    expect(requestsTo()).toEqual([1, 1, 1]);
    const line = await accessLineOf('/fallback/streamed/chat/completions');
    expect(line['attempts']).toEqual([
      { target: OPENAI_TARGET, failedOver: 'http_500' },
      { target: ANTHROPIC_TARGET, failedOver: 'http_503' },
      { target: BEDROCK_TARGET },
    ]);
    expect(line['failure']).toBeUndefined();
  });

  it('retries on the next target a stream that answered 200 and then an error event before any content', async () => {
    openai.setBehaviour({ streamErrorAfter: 0 });
    anthropic.setBehaviour({ streamErrorAfter: 0 });
    const { text, error } = await streamChat('fallback', 'first-event-error');
    expect(error).toBeUndefined();
    expect(text).toBe(DEFAULT_REPLY_TEXT);
    expect(requestsTo()).toEqual([1, 1, 1]);
    const line = await accessLineOf('/fallback/first-event-error/chat/completions');
    expect(line['attempts']).toEqual([
      { target: OPENAI_TARGET, failedOver: 'stream_error' },
      { target: ANTHROPIC_TARGET, failedOver: 'stream_error' },
      { target: BEDROCK_TARGET },
    ]);
  });

  it('retries an Anthropic stream that failed right after its opening events (message_start, content_block_start)', async () => {
    openai.setBehaviour({ status: 500 });
    // Apart in time: the opening events arrive before the error, in chunks of their own.
    anthropic.setBehaviour({ streamErrorAfter: 2, eventIntervalMs: 50 });
    const { text, error } = await streamChat('fallback', 'after-opening');
    expect(error).toBeUndefined();
    expect(text).toBe(DEFAULT_REPLY_TEXT);
    const line = await accessLineOf('/fallback/after-opening/chat/completions');
    expect(line['attempts']).toEqual([
      { target: OPENAI_TARGET, failedOver: 'http_500' },
      { target: ANTHROPIC_TARGET, failedOver: 'stream_error' },
      { target: BEDROCK_TARGET },
    ]);
  });

  it('retries a Bedrock stream whose first frame is an exception on the next target', async () => {
    bedrock.setBehaviour({ streamErrorAfter: 0 });
    const { text, error } = await streamChat('bedrock-first', 'exception-frame');
    expect(error).toBeUndefined();
    expect(text).toBe(DEFAULT_REPLY_TEXT);
    const line = await accessLineOf('/bedrock-first/exception-frame/chat/completions');
    expect(line['attempts']).toEqual([
      { target: BEDROCK_TARGET, failedOver: 'stream_error' },
      { target: OPENAI_TARGET },
    ]);
  });

  it("gives the client the last target's stream error event when every target failed", async () => {
    openai.setBehaviour({ status: 500 });
    anthropic.setBehaviour({ status: 500 });
    bedrock.setBehaviour({ streamErrorAfter: 0 });
    const { text, error } = await streamChat('fallback', 'all-failed');
    expect(text).toBe('');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(requestsTo()).toEqual([1, 1, 1]);
    const line = await accessLineOf('/fallback/all-failed/chat/completions');
    expect([line['status'], line['failure']]).toEqual([200, 'provider_stream_error']);
    expect(line['attempts']).toEqual([
      { target: OPENAI_TARGET, failedOver: 'http_500' },
      { target: ANTHROPIC_TARGET, failedOver: 'http_500' },
      { target: BEDROCK_TARGET },
    ]);
  });

  it('ends a stream that fails after content was sent with an error event, and does not fail over', async () => {
    // Events apart in time, so that the first ones reach the client before the error does.
    openai.setBehaviour({ streamErrorAfter: 3, eventIntervalMs: 50 });
    const { text, error } = await streamChat('fallback', 'late-error');
    expect(text.length).toBeGreaterThan(0);
    expect(DEFAULT_REPLY_TEXT.startsWith(text)).toBe(true);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String((error as Error).message)).toContain('The server had an error');
    expect(requestsTo()).toEqual([1, 0, 0]);
    const line = await accessLineOf('/fallback/late-error/chat/completions');
    expect(line['failure']).toBe('provider_stream_error');
    expect(line['attempts']).toEqual([{ target: OPENAI_TARGET }]);
  });

  it('fails over when the first target does not answer within read_timeout', async () => {
    openai.setBehaviour({ delayMs: READ_TIMEOUT_MS * 3 });
    const answer = await client('fallback', 'timeout').chat.completions.create({
      model: 'gpt-4o',
      messages: MESSAGES,
    });
    expect(answer.choices[0]?.message.content).toBe(DEFAULT_REPLY_TEXT);
    const line = await accessLineOf('/fallback/timeout/chat/completions');
    expect(line['attempts']).toEqual([
      { target: OPENAI_TARGET, failedOver: 'timeout' },
      { target: ANTHROPIC_TARGET },
    ]);
  });

  it("passes an error status through without non_idempotent (Kong's default criteria), since a POST was sent", async () => {
    openai.setBehaviour({ status: 500 });
    const failure = await client('kong-defaults', 'status')
      .chat.completions.create({ model: 'gpt-4o', messages: MESSAGES })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect(requestsTo()).toEqual([1, 0, 0]);
  });

  it('fails over a POST whose first target refused the connection, under the default criteria', async () => {
    const answer = await client('unreachable-first', 'refused').chat.completions.create({
      model: 'gpt-4o',
      messages: MESSAGES,
    });
    expect(answer.choices[0]?.message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(requestsTo()).toEqual([0, 1, 0]);
    const line = await accessLineOf('/unreachable-first/refused/chat/completions');
    expect(line['attempts']).toEqual([
      { target: OPENAI_TARGET, failedOver: 'error' },
      { target: ANTHROPIC_TARGET },
    ]);
  });

  it.each([403, 404, 429, 500, 502, 503, 504])(
    'fails over on an upstream %i when its http_ criterion is set',
    async (status) => {
      openai.setBehaviour({ status });
      const answer = await client('every-status', `status-${status}`).chat.completions.create({
        model: 'gpt-4o',
        messages: MESSAGES,
      });
      expect(answer.choices[0]?.message.content).toBe(DEFAULT_REPLY_TEXT);
      const line = await accessLineOf(`/every-status/status-${status}/chat/completions`);
      expect(line['attempts']).toEqual([
        { target: OPENAI_TARGET, failedOver: `http_${status}` },
        { target: ANTHROPIC_TARGET },
      ]);
    },
  );

  it('takes a target out after max_fails failures, then probes it again after fail_timeout', async () => {
    openai.setBehaviour({ status: 500 });
    await chats('breaker', 8);
    // Two failures opened the breaker: the next requests all went to Anthropic.
    expect(openai.requests.length).toBe(2);
    expect(anthropic.requests.length).toBe(8);
    openai.reset();
    await new Promise((resolve) => setTimeout(resolve, BREAKER_TIMEOUT_MS + 100));
    await chats('breaker', 4);
    expect(openai.requests.length).toBeGreaterThan(2);
  });

  it('keeps a target that answered 429 with Retry-After out for that long, then sends to it again', async () => {
    openai.setBehaviour({ status: 429, headers: { 'retry-after': '1' } });
    await chats('busy', 1);
    expect(requestsTo()).toEqual([1, 1, 0]);
    // Healthy again, but busy for the second it asked for: the preferred target is skipped.
    openai.behaviour = {};
    await chats('busy', 3);
    expect(requestsTo()).toEqual([1, 4, 0]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await chats('busy', 1);
    expect(requestsTo()).toEqual([2, 4, 0]);
  });

  it('moves traffic off a target that answers slowly (lowest-latency)', async () => {
    openai.setBehaviour({ delayMs: 300 });
    await chats('fastest', 10);
    expect(openai.requests.length).toBeLessThanOrEqual(1);
    expect(anthropic.requests.length).toBeGreaterThanOrEqual(9);
  });

  it('keeps each value of hash_on_header on one target (consistent-hashing)', async () => {
    const counts = async (user: string) => {
      for (const mock of [openai, anthropic, bedrock]) mock.reset();
      await chats('sticky', 4, { 'x-user': user });
      return requestsTo();
    };
    for (const user of ['alice', 'bob', 'carol'])
      expect((await counts(user)).filter((n) => n > 0)).toEqual([4]);
  });
});
