import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEARER_AUTH, postJson, sseData } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { MOCK_PROVIDER_API_KEY, type MockProviderId } from './mock-provider.types.js';

const CHAT = {
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'What is 1 + 1?' }],
} satisfies OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
const SERVER_ERROR_HTML = '<html><body><h1>500 Internal Server Error</h1></body></html>';

describe('MockProviderServer', () => {
  let mock: MockProviderServer;
  let client: OpenAI;
  const chatUrl = () => `${mock.url}/v1/chat/completions`;

  beforeAll(async () => {
    mock = await startMockProvider('openai');
    client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: MOCK_PROVIDER_API_KEY, maxRetries: 0 });
  });
  beforeEach(() => mock.reset());
  afterAll(() => mock.close());

  describe('recording', () => {
    it('records method, path with query, headers and the parsed JSON body of every request', async () => {
      await postJson(`${chatUrl()}?trace=1`, CHAT, { ...BEARER_AUTH, 'x-test': 'yes' });
      await postJson(chatUrl(), { ...CHAT, stream: true }, BEARER_AUTH);

      expect(mock.requests).toHaveLength(2);
      expect(mock.requests[0]).toMatchObject({
        method: 'POST',
        path: '/v1/chat/completions?trace=1',
        headers: { 'x-test': 'yes', authorization: BEARER_AUTH.authorization },
        body: CHAT,
      });
      expect(mock.lastRequest()?.body).toEqual({ ...CHAT, stream: true });
    });

    it('records a body that is not JSON as its raw text, and answers it with the provider 400', async () => {
      const response = await fetch(chatUrl(), { method: 'POST', headers: BEARER_AUTH, body: 'model=gpt-4o' });

      expect(response.status).toBe(400);
      expect(mock.lastRequest()?.body).toBe('model=gpt-4o');
    });

    it('forgets requests and restores the starting behaviour on reset', async () => {
      mock.setBehaviour({ status: 503 });
      await postJson(chatUrl(), CHAT, BEARER_AUTH);
      mock.reset();

      expect(mock.requests).toEqual([]);
      expect(mock.lastRequest()).toBeUndefined();
      expect(mock.behaviour).toEqual({});
      expect((await postJson(chatUrl(), CHAT, BEARER_AUTH)).status).toBe(200);
    });

    it('records nothing when started with record: false', async () => {
      const quiet = await startMockProvider('openai', { record: false });
      try {
        await postJson(`${quiet.url}/v1/chat/completions`, CHAT, BEARER_AUTH);
        expect(quiet.requests).toEqual([]);
      } finally {
        await quiet.close();
      }
    });
  });

  describe('fault switches', () => {
    it('replies with the given status and HTML body, which the official client reports as a server error', async () => {
      mock.setBehaviour({ status: 500, body: SERVER_ERROR_HTML });

      const response = await postJson(chatUrl(), CHAT, BEARER_AUTH);
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toBe(SERVER_ERROR_HTML);
      await expect(client.chat.completions.create(CHAT)).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    });

    it.each<[MockProviderId, string, unknown]>([
      [
        'openai',
        '/v1/chat/completions',
        { error: { message: 'Invalid request.', type: 'invalid_request_error', param: null, code: null } },
      ],
      ['cohere', '/v1/chat', { message: 'invalid request' }],
    ])('%s: a bare status 400 replies with the provider error JSON', async (provider, path, expected) => {
      const other = await startMockProvider(provider, { behaviour: { status: 400 } });
      try {
        const response = await postJson(`${other.url}${path}`, {}, BEARER_AUTH);
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual(expected);
      } finally {
        await other.close();
      }
    });

    it('waits delayMs before sending the headers', async () => {
      mock.setBehaviour({ delayMs: 150 });
      const started = performance.now();

      const response = await postJson(chatUrl(), CHAT, BEARER_AUTH);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      expect(response.status).toBe(200);
    });

    it('paces stream events eventIntervalMs apart', async () => {
      mock.setBehaviour({ eventIntervalMs: 20 });
      const started = performance.now();

      const response = await postJson(chatUrl(), { ...CHAT, stream: true }, BEARER_AUTH);
      const events = sseData(await response.text());
      // role + 8 words + finish + [DONE] = 11 events, 10 gaps.
      expect(events).toHaveLength(11);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    });

    it('destroys the connection after failMidStreamAfter events, so the client stream fails', async () => {
      mock.setBehaviour({ failMidStreamAfter: 3, eventIntervalMs: 5 });
      const received: string[] = [];

      const stream = await client.chat.completions.create({ ...CHAT, stream: true });
      await expect(
        (async () => {
          for await (const chunk of stream) received.push(chunk.choices[0].delta.content ?? '');
        })(),
      ).rejects.toThrow();
      expect(received).toEqual(['', 'The', ' answer']);
    });

    it('answers 200 with a body lacking the provider fields when badBody is set', async () => {
      mock.setBehaviour({ badBody: true });

      const response = await postJson(chatUrl(), { ...CHAT, stream: true }, BEARER_AUTH);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).not.toHaveProperty('choices');
      expect(body).not.toHaveProperty('error');
    });

    it('never answers when hang is set, until the client aborts', async () => {
      mock.setBehaviour({ hang: true });

      await expect(postJson(chatUrl(), CHAT, BEARER_AUTH, AbortSignal.timeout(100))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      expect(mock.requests).toHaveLength(1);
      const slowClient = new OpenAI({
        baseURL: `${mock.url}/v1`,
        apiKey: MOCK_PROVIDER_API_KEY,
        maxRetries: 0,
        timeout: 100,
      });
      await expect(slowClient.chat.completions.create(CHAT)).rejects.toBeInstanceOf(
        OpenAI.APIConnectionTimeoutError,
      );
    });

    it('drops a hanging request when the server closes', async () => {
      const hanging = await startMockProvider('openai', { behaviour: { hang: true } });
      const pending = postJson(`${hanging.url}/v1/chat/completions`, CHAT, BEARER_AUTH);
      await expect.poll(() => hanging.requests.length).toBe(1);

      await hanging.close();
      await expect(pending).rejects.toThrow();
    });

    it('sends eventCount content events, and counts as many completion tokens without streaming', async () => {
      mock.setBehaviour({ eventCount: 64 });

      const events = sseData(
        await (await postJson(chatUrl(), { ...CHAT, stream: true }, BEARER_AUTH)).text(),
      );
      expect(events).toHaveLength(64 + 3);
      const completion = await client.chat.completions.create(CHAT);
      expect(completion.usage?.completion_tokens).toBe(64);
    });

    it('gzips a non-stream body when gzip is set and the request accepts it', async () => {
      mock.setBehaviour({ gzip: true });

      const response = await postJson(chatUrl(), CHAT, {
        ...BEARER_AUTH,
        'accept-encoding': 'gzip, identity',
      });
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(await response.json()).toMatchObject({ object: 'chat.completion' });
    });

    it('ends the stream cleanly after endStreamAfter events, without the terminator', async () => {
      mock.setBehaviour({ endStreamAfter: 3 });

      const response = await postJson(chatUrl(), { ...CHAT, stream: true }, BEARER_AUTH);
      const events = sseData(await response.text());
      expect(events).toHaveLength(3);
      expect(events).not.toContain('[DONE]');
    });

    it('drips the body one byte every dripIntervalMs', async () => {
      mock.setBehaviour({ replyText: 'Hi.', dripIntervalMs: 2 });
      const response = await postJson(chatUrl(), CHAT, BEARER_AUTH);
      const reader = response.body!.getReader();
      const sizes: number[] = [];
      for (let read = await reader.read(); !read.done; read = await reader.read())
        sizes.push(read.value.length);

      expect(Math.max(...sizes)).toBe(1);
      expect(sizes.length).toBe(Number(response.headers.get('content-length')));
    });

    it('resets the connection after cutBodyAfterBytes bytes of a whole answer', async () => {
      mock.setBehaviour({ cutBodyAfterBytes: 10 });

      const response = await postJson(chatUrl(), CHAT, BEARER_AUTH);
      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow();
    });

    it('answers any request with a gzip body inflating to gzipBombBytes', async () => {
      mock.setBehaviour({ gzipBombBytes: 3 * 1024 * 1024 + 5, status: 400 });

      const response = await fetch(`${mock.url}/anything`, { method: 'POST' });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(Number(response.headers.get('content-length'))).toBeLessThan(20_000);
      // fetch inflates every member of the body.
      expect((await response.arrayBuffer()).byteLength).toBe(3 * 1024 * 1024 + 5);
    });

    it('applies a behaviour change from the next request on', async () => {
      expect((await postJson(chatUrl(), CHAT, BEARER_AUTH)).status).toBe(200);
      mock.behaviour = { status: 429 };
      expect((await postJson(chatUrl(), CHAT, BEARER_AUTH)).status).toBe(429);
      mock.setBehaviour({ status: undefined, replyText: 'Two.' });
      const completion = await client.chat.completions.create(CHAT);
      expect(completion.choices[0].message.content).toBe('Two.');
    });
  });

  it('keeps connections alive between requests', async () => {
    const response = await postJson(chatUrl(), CHAT, BEARER_AUTH);

    expect(response.headers.get('connection')).toBe('keep-alive');
    expect(response.headers.get('keep-alive')).toBe('timeout=65');
  });
});
