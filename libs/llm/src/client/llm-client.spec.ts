import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '@switchyard/plugin-api';
import type { CallOutcome, CallTracer, RequestContext, TracedCall } from '@switchyard/plugin-api';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_PROVIDER_API_KEY,
  SELF_SIGNED_LOCALHOST,
  buildRequestContext,
  fakeOpenAiDriver,
  registryOf,
  startMockProvider,
  type MockProviderServer,
} from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../config/llm-config.js';
import { LlmCallError } from './llm-call-error.js';
import { compileLlmClient, type LlmClientOptions } from './llm-client.js';

const MESSAGES = [
  { role: 'system' as const, content: 'Multiply all numbers in my JSON by 2.' },
  { role: 'user' as const, content: '{"age": 31}' },
];

const providers = registryOf(fakeOpenAiDriver());

/** Whitespace-separated words: the mock's token count. */
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return String((server.address() as AddressInfo).port);
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** What `complete` threw. */
async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** A call tracer that records what the client told it, as the gateway's would turn it into a span. */
function recordingTracer() {
  const calls: { call: TracedCall; attributes: Record<string, unknown>; outcome?: CallOutcome }[] = [];
  const tracer: CallTracer = {
    start(call) {
      const record: (typeof calls)[number] = { call, attributes: {} };
      calls.push(record);
      return {
        attributes: record.attributes as Record<string, string>,
        inject: (headers) =>
          (headers.traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
        end: (outcome) => (record.outcome = outcome),
      };
    },
  };
  return { tracer, calls };
}

describe('compileLlmClient', () => {
  let openai: MockProviderServer;

  beforeAll(async () => {
    openai = await startMockProvider('openai');
  });
  afterAll(() => openai.close());
  beforeEach(() => openai.reset());

  const llm = (overrides: Partial<LlmConfig> = {}, url = `${openai.url}/v1/chat/completions`): LlmConfig => ({
    route_type: 'llm/v1/chat',
    auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
    model: {
      provider: 'openai',
      name: 'gpt-4',
      options: { upstream_url: url, max_tokens: 512, temperature: 0.5 },
    },
    logging: { log_statistics: false, log_payloads: false },
    ...overrides,
  });
  const options = (overrides: Partial<LlmClientOptions> = {}): LlmClientOptions => ({
    pluginId: 'plugin-7',
    timeoutMs: 5_000,
    verifyTls: true,
    ...overrides,
  });

  it("asks the model the messages as a chat request (model, options, credential), and returns the first choice's text and the answer's summary", async () => {
    const completion = await compileLlmClient(llm(), providers, options()).complete(
      buildRequestContext(),
      MESSAGES,
    );

    expect(completion.text).toBe(DEFAULT_REPLY_TEXT);
    expect(completion.summary.model).toBe('gpt-4');
    expect(completion.summary.usage).toMatchObject({
      prompt_tokens: words(MESSAGES.map((message) => message.content).join(' ')),
      completion_tokens: words(DEFAULT_REPLY_TEXT),
    });
    expect(completion.logEntry).toBeUndefined();
    const received = openai.lastRequest()!;
    expect(received.path).toBe('/v1/chat/completions');
    expect(received.body).toEqual({
      messages: MESSAGES,
      stream: false,
      model: 'gpt-4',
      max_tokens: 512,
      temperature: 0.5,
    });
    expect(received.headers).toMatchObject({
      authorization: `Bearer ${MOCK_PROVIDER_API_KEY}`,
      'content-type': 'application/json',
      accept: 'application/json',
      'accept-encoding': 'identity',
    });
  });

  it("never sends the client's own credentials, even where allow_override would let them through to ai-proxy's model", async () => {
    const ctx = buildRequestContext({ headers: { authorization: 'Bearer sk-client', apikey: 'client-key' } });
    const config = llm({
      auth: {
        header_name: 'Authorization',
        header_value: `Bearer ${MOCK_PROVIDER_API_KEY}`,
        allow_override: true,
      },
    });
    await compileLlmClient(config, providers, options()).complete(ctx, MESSAGES);

    expect(openai.lastRequest()!.headers.authorization).toBe(`Bearer ${MOCK_PROVIDER_API_KEY}`);
    expect(openai.lastRequest()!.headers.apikey).toBeUndefined();
  });

  it('logs the call as Kong logs a model call when the llm record asks: meta, usage and cost, and the payloads', async () => {
    const base = llm({ logging: { log_statistics: true, log_payloads: true } });
    const config = {
      ...base,
      model: { ...base.model, options: { ...base.model.options, input_cost: 10, output_cost: 20 } },
    };
    const completion = await compileLlmClient(config, providers, options()).complete(
      buildRequestContext(),
      MESSAGES,
    );

    const prompt = words(MESSAGES.map((message) => message.content).join(' '));
    const generated = words(DEFAULT_REPLY_TEXT);
    const entry = completion.logEntry!;
    expect(entry.meta).toEqual({
      plugin_id: 'plugin-7',
      provider_name: 'openai',
      request_model: 'gpt-4',
      response_model: 'gpt-4',
      llm_latency: expect.any(Number),
    });
    expect(entry.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: generated,
      total_tokens: prompt + generated,
      time_per_token: Math.floor(entry.meta!.llm_latency / generated),
      cost: (prompt * 10 + generated * 20) / 1_000_000,
    });
    expect(JSON.parse(entry.payload!.request)).toMatchObject({ messages: MESSAGES, max_tokens: 512 });
    expect(JSON.parse(entry.payload!.response!).choices[0].message.content).toBe(DEFAULT_REPLY_TEXT);
  });

  it('throws a status failure in Kong\'s words ("status code 500") when the model answers an error', async () => {
    openai.setBehaviour({ status: 500 });
    const error = await failureOf(() =>
      compileLlmClient(llm(), providers, options()).complete(buildRequestContext(), MESSAGES),
    );

    expect(error).toBeInstanceOf(LlmCallError);
    expect(error).toMatchObject({
      failure: 'status',
      message: 'status code 500',
      status: 500,
      errorType: '500',
    });
  });

  it("gives up at the timeout when the model answers too late, hangs, or drips its answer, in Kong's words", async () => {
    const client = compileLlmClient(llm(), providers, options({ timeoutMs: 300 }));
    for (const behaviour of [{ delayMs: 3_000 }, { hang: true }, { dripIntervalMs: 50 }]) {
      openai.setBehaviour(behaviour);
      const started = performance.now();
      const error = await failureOf(() => client.complete(buildRequestContext(), MESSAGES));
      const elapsed = performance.now() - started;

      expect(error, JSON.stringify(behaviour)).toMatchObject({
        failure: 'transport',
        message: 'request to ai service failed: request failed: timeout',
        errorType: 'timeout',
      });
      expect(elapsed, JSON.stringify(behaviour)).toBeGreaterThanOrEqual(290);
      expect(elapsed, JSON.stringify(behaviour)).toBeLessThan(1_500);
      openai.reset();
    }
  });

  it('says "connection refused" for a model nothing listens for', async () => {
    const server = createHttpServer();
    const port = await listen(server);
    await close(server);
    const config = llm({}, `http://127.0.0.1:${port}/v1/chat/completions`);
    const error = await failureOf(() =>
      compileLlmClient(config, providers, options()).complete(buildRequestContext(), MESSAGES),
    );

    expect(error).toMatchObject({
      failure: 'transport',
      message: 'request to ai service failed: request failed: connection refused',
      errorType: 'ECONNREFUSED',
    });
  });

  it('reads no more of an answer than the proxy reads of one (PROXY_MAX_RESPONSE_BODY_BYTES)', async () => {
    openai.setBehaviour({ replyText: 'word '.repeat(2_000) });
    const ctx = buildRequestContext({ maxResponseBodyBytes: 1_000 });
    const error = await failureOf(() =>
      compileLlmClient(llm(), providers, options()).complete(ctx, MESSAGES),
    );

    expect(error).toMatchObject({
      failure: 'transport',
      message:
        'request to ai service failed: the answer is larger than 1000 bytes (PROXY_MAX_RESPONSE_BODY_BYTES)',
      errorType: 'body_too_large',
    });
  });

  it("throws an answer failure with the translation's words for a 200 that is not a completion", async () => {
    const client = compileLlmClient(llm(), providers, options());
    openai.setBehaviour({ status: 200, body: 'Sorry, no JSON here', contentType: 'text/plain' });
    expect(await failureOf(() => client.complete(buildRequestContext(), MESSAGES))).toMatchObject({
      failure: 'answer',
      message: 'failed to decode llm/v1/chat response',
    });
    openai.setBehaviour({ status: 200, body: { unexpected: true } });
    expect(await failureOf(() => client.complete(buildRequestContext(), MESSAGES))).toMatchObject({
      failure: 'answer',
      message: "'choices' not in llm/v1/chat response",
    });
  });

  it('has no text for an answer without a text choice (a tool call only)', async () => {
    openai.setBehaviour({ replyText: '', toolCalls: [{ name: 'lookup', arguments: { id: 1 } }] });
    const completion = await compileLlmClient(llm(), providers, options()).complete(
      buildRequestContext(),
      MESSAGES,
    );

    expect(completion.text).toBeUndefined();
  });

  it('stops at once, with the abort itself, when the client goes away', async () => {
    openai.setBehaviour({ hang: true });
    const abort = new AbortController();
    const ctx: RequestContext = { ...buildRequestContext(), signal: abort.signal };
    setTimeout(() => abort.abort(), 100);
    const started = performance.now();
    const error = await failureOf(() =>
      compileLlmClient(llm(), providers, options()).complete(ctx, MESSAGES),
    );

    expect(error).not.toBeInstanceOf(LlmCallError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('answers Kong\'s 400 "no transformer" for a provider this build has no driver for', async () => {
    const config = llm({
      model: { provider: 'mistral', name: 'mistral-large', options: { mistral_format: 'openai' } },
    });
    const error = await failureOf(async () =>
      compileLlmClient(config, providers, options()).complete(buildRequestContext(), MESSAGES),
    );

    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 400, message: 'no transformer for mistral://llm/v1/chat' });
  });

  describe('tracing', () => {
    it('opens a client span per call, named and described as a GenAI chat, its context sent with the request', async () => {
      const { tracer, calls } = recordingTracer();
      const ctx: RequestContext = { ...buildRequestContext(), callTracer: tracer };
      await compileLlmClient(llm(), providers, options()).complete(ctx, MESSAGES);

      expect(calls).toHaveLength(1);
      const [{ call, attributes, outcome }] = calls as [(typeof calls)[number]];
      expect(call.name).toBe('chat gpt-4');
      expect(call.method).toBe('POST');
      expect(call.url.href).toBe(`${openai.url}/v1/chat/completions`);
      expect(call.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4',
        'gen_ai.request.max_tokens': 512,
        'gen_ai.request.temperature': 0.5,
        'gen_ai.request.stream': false,
      });
      expect(attributes).toMatchObject({
        'gen_ai.response.model': 'gpt-4',
        'gen_ai.usage.input_tokens': words(MESSAGES.map((message) => message.content).join(' ')),
        'gen_ai.usage.output_tokens': words(DEFAULT_REPLY_TEXT),
      });
      expect(outcome).toEqual({ status: 200 });
      expect(openai.lastRequest()!.headers.traceparent).toBe(
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      );
    });

    it('ends the span with how the call failed', async () => {
      const { tracer, calls } = recordingTracer();
      const ctx: RequestContext = { ...buildRequestContext(), callTracer: tracer };
      const client = compileLlmClient(llm(), providers, options({ timeoutMs: 200 }));
      openai.setBehaviour({ status: 429 });
      await failureOf(() => client.complete(ctx, MESSAGES));
      openai.setBehaviour({ hang: true });
      await failureOf(() => client.complete(ctx, MESSAGES));

      expect(calls.map((call) => call.outcome)).toEqual([
        { status: 429, errorType: '429' },
        { status: undefined, errorType: 'timeout' },
      ]);
    });
  });

  describe('network settings', () => {
    it('goes through http_proxy_host:port for an http:// model, in absolute form', async () => {
      const seen: string[] = [];
      // A forward proxy: what it receives is the absolute URL; it passes the request on.
      const proxy = createHttpServer((req, res) => {
        seen.push(req.url ?? '');
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          void fetch(req.url!, {
            method: req.method,
            headers: { authorization: req.headers.authorization!, 'content-type': 'application/json' },
            body: Buffer.concat(chunks),
          }).then(async (answer) => {
            res.writeHead(answer.status, { 'content-type': 'application/json' });
            res.end(Buffer.from(await answer.arrayBuffer()));
          });
        });
      });
      const port = await listen(proxy);
      try {
        const client = compileLlmClient(llm(), providers, options({ httpProxy: `http://127.0.0.1:${port}` }));
        const completion = await client.complete(buildRequestContext(), MESSAGES);

        expect(completion.text).toBe(DEFAULT_REPLY_TEXT);
        expect(seen).toEqual([`${openai.url}/v1/chat/completions`]);
        expect(openai.requests).toHaveLength(1);
      } finally {
        await close(proxy);
      }
    });

    it("verifies the model's TLS certificate unless https_verify is off", async () => {
      const answer = JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4',
        choices: [{ index: 0, message: { role: 'assistant', content: 'secure' }, finish_reason: 'stop' }],
      });
      const tls = createHttpsServer(SELF_SIGNED_LOCALHOST, (req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(answer));
      });
      const port = await listen(tls);
      try {
        const config = llm({}, `https://127.0.0.1:${port}/v1/chat/completions`);
        const verifying = compileLlmClient(config, providers, options());
        expect(await failureOf(() => verifying.complete(buildRequestContext(), MESSAGES))).toMatchObject({
          failure: 'transport',
          message: 'request to ai service failed: request failed: DEPTH_ZERO_SELF_SIGNED_CERT',
        });
        const trusting = compileLlmClient(config, providers, options({ verifyTls: false }));
        expect((await trusting.complete(buildRequestContext(), MESSAGES)).text).toBe('secure');
      } finally {
        await close(tls);
      }
    });
  });
});
