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
const GIB = 1024 * 1024 * 1024;
/** The service's read_timeout: also the longest pause allowed between two stream events. */
const READ_TIMEOUT_MS = 1000;

/** A provider that misbehaves after answering: what the client sees, and what the log and metrics count. */
describe('ai-proxy in front of a broken upstream', () => {
  let gateway: StandaloneGateway;
  let openai: MockProviderServer;
  let cohere: MockProviderServer;
  let sdk: OpenAI;

  beforeAll(async () => {
    [openai, cohere] = await Promise.all([startMockProvider('openai'), startMockProvider('cohere')]);
    gateway = await startStandaloneGateway();
    const service = await gateway.admin.json('POST', '/services', {
      name: 'llm',
      url: 'http://localhost:32000',
      read_timeout: READ_TIMEOUT_MS,
    });
    expect(service.status).toBe(201);
    await addAiProxyRoute(gateway.admin, {
      service: 'llm',
      name: 'chat',
      paths: ['/chat'],
      plugin: [
        'config.route_type=llm/v1/chat',
        'config.model.provider=openai',
        'config.model.name=gpt-4',
        'config.auth.header_name=Authorization',
        `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
        `config.model.options.upstream_url=${openai.url}/v1/chat/completions`,
      ],
    });
    await addAiProxyRoute(gateway.admin, {
      service: 'llm',
      name: 'cohere-chat',
      paths: ['/cohere-chat'],
      plugin: [
        'config.route_type=llm/v1/chat',
        'config.model.provider=cohere',
        'config.model.name=command-r',
        'config.auth.header_name=Authorization',
        `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
        `config.model.options.upstream_url=${cohere.url}/v1/chat`,
      ],
    });
    await waitUntilServed(gateway.proxyUrl, '/cohere-chat');
    sdk = new OpenAI({
      baseURL: `${gateway.proxyUrl}/chat`,
      apiKey: 'unused',
      maxRetries: 0,
      timeout: 10_000,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([openai?.close(), cohere?.close()]);
  });

  beforeEach(() => {
    openai.reset();
    cohere.reset();
  });

  /**
   * Streams a chat answer with the SDK, on the client path `/chat/<tag>/chat/completions` (the
   * route matches `/chat`), so that its access log line is told apart; resolves to the text
   * received and the error that ended it, if any.
   */
  async function streamChat(tag: string): Promise<{ text: string; error: unknown }> {
    const client = new OpenAI({
      baseURL: `${gateway.proxyUrl}/chat/${tag}`,
      apiKey: 'unused',
      maxRetries: 0,
    });
    let text = '';
    try {
      const stream = await client.chat.completions.create({
        model: 'gpt-4',
        messages: MESSAGES,
        stream: true,
      });
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    } catch (error) {
      return { text, error };
    }
    return { text, error: undefined };
  }

  /** The access log line of the request to `path`, once it is written. */
  async function accessLineOf(path: string): Promise<Record<string, unknown>> {
    let line: Record<string, unknown> | undefined;
    await expect
      .poll(() => (line = gateway.accessLog().find((entry) => entry['path'] === path)), { timeout: 3000 })
      .toBeDefined();
    return line!;
  }

  async function failureCount(reason: string): Promise<number> {
    const text = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
    const series = text
      .split('\n')
      .find(
        (row) =>
          row.startsWith('switchyard_http_response_failures_total{') && row.includes(`reason="${reason}"`),
      );
    return series ? Number(series.slice(series.lastIndexOf(' ') + 1)) : 0;
  }

  describe('gzip bombs', () => {
    it('answers 502 naming the limit when a gzip answer inflates past it, and keeps serving', async () => {
      openai.setBehaviour({ gzipBombBytes: GIB });
      const started = performance.now();

      const answer = await nodeRequest(gateway.proxyUrl, {
        path: '/chat',
        headers: { ...JSON_HEADERS, 'accept-encoding': 'gzip' },
        body: CHAT,
      });
      expect(answer.status, answer.text).toBe(502);
      expect(JSON.parse(answer.text).error.message).toMatch(
        /^the openai upstream's answer inflates to more than 10485760 bytes \(PROXY_MAX_RESPONSE_BODY_BYTES\)/,
      );
      expect(performance.now() - started).toBeLessThan(2000);

      openai.reset();
      const completion = await sdk.chat.completions.create({ model: 'gpt-4', messages: MESSAGES });
      expect(completion.choices[0]!.message.content).toBe('The answer to 1 + 1 is 2.');
    });

    it('passes a gzipped error answer through as it came, without inflating it', async () => {
      openai.setBehaviour({ gzipBombBytes: GIB, status: 400 });

      // Even to a client that did not ask for gzip: the upstream was asked for none, and sent it anyway.
      const answer = await nodeRequest(gateway.proxyUrl, {
        path: '/chat',
        headers: JSON_HEADERS,
        body: CHAT,
      });
      expect(answer.status).toBe(400);
      expect(answer.headers['content-encoding']).toBe('gzip');
      expect(answer.body.length).toBeLessThan(2 * 1024 * 1024);
    });
  });

  describe('whole answers', () => {
    it('answers 502 when the upstream resets the connection in the middle of its body', async () => {
      openai.setBehaviour({ cutBodyAfterBytes: 20 });

      const failure = await sdk.chat.completions
        .create({ model: 'gpt-4', messages: MESSAGES })
        .catch((error) => error);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
      expect((failure as InstanceType<typeof OpenAI.APIError>).message).toMatch(
        /the openai upstream \(127\.0\.0\.1:\d+\) broke off its answer/,
      );
    });
  });

  it('answers 504 when a whole answer is still dripping read_timeout after its head', async () => {
    openai.setBehaviour({ dripIntervalMs: 100 });
    const started = performance.now();

    const failure = await sdk.chat.completions
      .create({ model: 'gpt-4', messages: MESSAGES })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((failure as Error).message).toMatch(/the openai upstream \(127\.0\.0\.1:\d+\) timed out/);
    expect(performance.now() - started).toBeLessThan(READ_TIMEOUT_MS * 3);
  });

  describe('streams', () => {
    it('answers 502 before any event when a stream request gets a 200 text/html page', async () => {
      openai.setBehaviour({ status: 200, body: '<html><body>maintenance</body></html>' });

      const { error } = await streamChat('html');
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
      expect((error as Error).message).toMatch(/answered a stream request with 'text\/html'/);
    });

    it('ends a stream cut short before its last event with an error event, counted as a failure', async () => {
      const before = await failureCount('stream_incomplete');
      openai.setBehaviour({ endStreamAfter: 4 });

      const { text, error } = await streamChat('cut');
      expect(text).toBe('The answer to');
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as Error).message).toMatch(/upstream stream ended before its last event/);
      expect(await accessLineOf('/chat/cut/chat/completions')).toMatchObject({
        status: 200,
        failure: 'stream_incomplete',
      });
      await expect.poll(() => failureCount('stream_incomplete'), { timeout: 3000 }).toBe(before + 1);
    });

    it('ends a stream of garbage with an error event, counted as a failure', async () => {
      openai.setBehaviour({
        status: 200,
        body: 'garbage\n\nmore garbage\n\n',
        contentType: 'text/event-stream',
      });

      const { error } = await streamChat('garbage');
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(await accessLineOf('/chat/garbage/chat/completions')).toMatchObject({
        failure: 'stream_incomplete',
      });
    });

    it('ends a stream with an event it cannot read with an OpenAI-style error event', async () => {
      cohere.setBehaviour({ status: 200, body: 'not json\n', contentType: 'application/stream+json' });

      const answer = await nodeRequest(gateway.proxyUrl, {
        path: '/cohere-chat/unreadable',
        headers: JSON_HEADERS,
        body: JSON.stringify({ messages: MESSAGES, stream: true }),
      });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('data: {"error":{"message":"empty or unsupported transformer response"}}\n\n');
      expect(await accessLineOf('/cohere-chat/unreadable')).toMatchObject({
        failure: 'unsupported_stream_frame',
      });
    });

    it('ends a stream whose provider drips bytes without completing events after read_timeout', async () => {
      openai.setBehaviour({ dripIntervalMs: 100 });
      const started = performance.now();

      const { error } = await streamChat('drip');
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as Error).message).toMatch(
        new RegExp(`no complete event from the openai upstream for ${READ_TIMEOUT_MS} ms`),
      );
      expect(elapsed).toBeLessThan(READ_TIMEOUT_MS * 4);
      expect(await accessLineOf('/chat/drip/chat/completions')).toMatchObject({
        failure: 'stream_idle_timeout',
      });
    });
  });
});
