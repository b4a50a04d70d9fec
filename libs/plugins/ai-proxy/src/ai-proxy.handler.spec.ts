import { gunzipSync, gzipSync } from 'node:zlib';
import { GatewayError } from '@switchyard/plugin-api';
import type { BufferedResponse, ProviderDriver, RequestContext, ResponseHead } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import type { AiProxyLogEntry } from '@switchyard/llm';
import {
  buildRequestContext as requestContext,
  fakeNdjsonDriver,
  fakeOpenAiDriver,
  registryOf,
  runStream,
} from '@switchyard/testing';
import { accessError, aiProxyConfig, handlerFor, upstreamJson } from './ai-proxy.spec-helpers.js';

/** Kong's message for a stream that cannot be translated, in OpenAI's error shape. */
const UNSUPPORTED_FRAME_EVENT = 'data: {"error":{"message":"empty or unsupported transformer response"}}\n\n';

const chat = { messages: [{ role: 'user', content: 'What is 1 + 1?' }] };
const providers = registryOf(fakeOpenAiDriver(), fakeOpenAiDriver('azure'), fakeNdjsonDriver());

const openAiAnswer = {
  id: 'chatcmpl-8T6YwgvjQVVnGbJ2w8hpOA17SeNy2',
  object: 'chat.completion',
  created: 1701947430,
  model: 'gpt-3.5-turbo-0613',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'The sum of 1 + 1 is 2.' }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 25, completion_tokens: 12, total_tokens: 37 },
};

async function failureOf(
  config = aiProxyConfig(),
  ctx = requestContext({ body: chat }),
): Promise<[number, string]> {
  const error = await accessError(handlerFor(config, providers), ctx);
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return [error.status, error.message];
}

function buffered(
  status: number,
  body: string | Buffer,
  headers: Record<string, string | string[]> = {},
): BufferedResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(body) };
}

function head(status: number, headers: Record<string, string | string[]> = {}): ResponseHead {
  return { status, headers: { 'content-type': 'text/event-stream; charset=utf-8', ...headers } };
}

function logOf(ctx: RequestContext): AiProxyLogEntry {
  return ctx.log['ai.proxy'] as AiProxyLogEntry;
}

describe('ai-proxy handler: access', () => {
  describe("answers Kong's errors", () => {
    it('rejects a body larger than max_request_body_size with 413', async () => {
      const ctx = requestContext({ body: { ...chat, padding: 'x'.repeat(100) } });
      expect(await failureOf(aiProxyConfig({ max_request_body_size: 64 }), ctx)).toEqual([
        413,
        'request body is larger than max_request_body_size (64 bytes); raise config.max_request_body_size or send a smaller request',
      ]);
    });

    it.each([
      ['bad JSON', '{"messages": [', "request body doesn't contain valid prompts"],
      ["Kong's 'tpmorp' fixture", { tpmorp: 'What is 1 + 1?' }, "request body doesn't contain valid prompts"],
      [
        'both prompt and messages',
        { ...chat, prompt: 'Hi world' },
        'request matches multiple LLM request formats',
      ],
      [
        'a completions body on a chat route',
        { prompt: 'What is 1 + 1?' },
        '[llm/v1/completions] message format is not compatible with [llm/v1/chat] route type',
      ],
      [
        'a different body model',
        { ...chat, model: 'try-to-override-the-model' },
        'cannot use own model - must be: gpt-4o',
      ],
    ])('rejects %s with 400', async (_, body, message) => {
      expect(await failureOf(aiProxyConfig(), requestContext({ body }))).toEqual([400, message]);
    });

    it('rejects a chat body on a completions route with 400', async () => {
      expect(await failureOf(aiProxyConfig({ route_type: 'llm/v1/completions' }))).toEqual([
        400,
        '[llm/v1/chat] message format is not compatible with [llm/v1/completions] route type',
      ]);
    });

    it('rejects a request with no model in the body nor in the config with 400', async () => {
      expect(await failureOf(aiProxyConfig({ model: { name: null } }))).toEqual([
        400,
        'model parameter not found in request, nor in gateway configuration',
      ]);
    });

    it('rejects a stream request with response_streaming = deny with 400', async () => {
      const ctx = requestContext({ body: { ...chat, stream: true } });
      expect(await failureOf(aiProxyConfig({ response_streaming: 'deny' }), ctx)).toEqual([
        400,
        'response streaming is not enabled for this LLM',
      ]);
    });

    it('rejects a provider the gateway has no driver for with 400 "no transformer for …"', async () => {
      const config = aiProxyConfig({
        model: { provider: 'anthropic', options: { anthropic_version: '2023-06-01' } },
      });
      expect(await failureOf(config)).toEqual([400, 'no transformer for anthropic://llm/v1/chat']);
    });

    it('rejects a route type the driver does not serve with 400 "no transformer for …"', async () => {
      const config = aiProxyConfig({
        route_type: 'llm/v1/completions',
        model: { provider: 'cohere', name: 'command' },
      });
      const ctx = requestContext({ body: { prompt: 'What is 1 + 1?' } });
      expect(await failureOf(config, ctx)).toEqual([400, 'no transformer for cohere://llm/v1/completions']);
    });

    it('rejects a body the driver cannot translate with 400 "error transforming to …"', async () => {
      const config = aiProxyConfig({ model: { provider: 'cohere', name: 'command' } });
      const ctx = requestContext({ body: { messages: [{ role: 'user', content: 'untranslatable' }] } });
      expect(await failureOf(config, ctx)).toEqual([
        400,
        'error transforming to cohere://llm/v1/chat: the last message cannot be sent to cohere',
      ]);
    });

    it('rejects a missing template value with 400', async () => {
      const config = aiProxyConfig({ model: { name: '$(uri_captures.model)' } });
      expect(await failureOf(config)).toEqual([400, 'uri_captures key model was not provided']);
    });

    it("answers Kong's no-transformer 400 for a native llm_format its provider does not serve yet", async () => {
      const config = aiProxyConfig({
        llm_format: 'gemini',
        model: { provider: 'gemini', name: 'gemini-pro' },
      });
      expect(await failureOf(config)).toEqual([400, 'no transformer for gemini://llm/v1/chat']);
    });
  });

  describe('prepares the upstream request', () => {
    it("sends the driver's body to the driver's URL, as JSON, with the configured credential", async () => {
      const ctx = requestContext({
        url: '/openai/chat?trace=1',
        body: { ...chat, top_k: 5 },
        headers: {
          'accept-encoding': 'gzip, br',
          'content-length': '99',
          'content-encoding': 'identity',
          'x-request-id': 'r-1',
        },
      });
      await handlerFor(aiProxyConfig(), providers).access(ctx);
      expect(ctx.upstream.url.href).toBe('https://openai.example/v1/chat/completions?trace=1');
      expect(ctx.upstream.method).toBe('POST');
      expect(ctx.upstream.label).toBe('openai');
      expect(ctx.upstream.headers).toEqual({
        'content-type': 'application/json',
        'accept-encoding': 'gzip, identity',
        'x-request-id': 'r-1',
        authorization: 'Bearer sk-configured',
      });
      expect(upstreamJson(ctx)).toEqual({ ...chat, model: 'gpt-4o', stream: false });
      expect(ctx.responseMode).toBe('buffered');
    });

    it('asks the provider for an uncompressed answer when the client does not take gzip', async () => {
      const ctx = requestContext({ body: chat, headers: { 'accept-encoding': 'br' } });
      await handlerFor(aiProxyConfig(), providers).access(ctx);
      expect(ctx.upstream.headers['accept-encoding']).toBe('identity');
    });

    it('answers a compressed client body with 415, before reading it', async () => {
      const ctx = requestContext({ body: chat, headers: { 'content-encoding': 'gzip' } });
      const error = await accessError(handlerFor(aiProxyConfig(), providers), ctx);
      expect([(error as GatewayError).status, (error as GatewayError).message]).toEqual([
        415,
        "request bodies with Content-Encoding 'gzip' are not supported; send the body uncompressed",
      ]);
    });

    it("drops the client's Accept-Encoding for providers Kong sends none to, and adds the driver's headers", async () => {
      const ctx = requestContext({ body: chat, headers: { 'accept-encoding': 'gzip' } });
      await handlerFor(aiProxyConfig({ model: { provider: 'cohere', name: 'command' } }), providers).access(
        ctx,
      );
      expect(ctx.upstream.headers['accept-encoding']).toBeUndefined();
      expect(ctx.upstream.headers['x-client-name']).toBe('switchyard');
      expect(upstreamJson(ctx)).toEqual({ model: 'command', message: 'What is 1 + 1?', stream: false });
    });

    it('sends to upstream_url whole when it is set', async () => {
      const ctx = requestContext({ body: chat });
      const config = aiProxyConfig({
        model: { options: { upstream_url: 'http://127.0.0.1:9000/llm/v1/chat/good' } },
      });
      await handlerFor(config, providers).access(ctx);
      expect(ctx.upstream.url.href).toBe('http://127.0.0.1:9000/llm/v1/chat/good');
    });

    it("lets configured max_tokens, temperature, top_p and top_k override the client's", async () => {
      const ctx = requestContext({ body: { ...chat, max_tokens: 10, temperature: 0.1, top_p: 0.2 } });
      const config = aiProxyConfig({ model: { options: { max_tokens: 256, temperature: 1.0, top_p: 0.9 } } });
      await handlerFor(config, providers).access(ctx);
      expect(upstreamJson(ctx)).toMatchObject({ max_tokens: 256, temperature: 1, top_p: 0.9 });
    });

    it("uses the body's model when none is configured", async () => {
      const ctx = requestContext({ body: { ...chat, model: 'gpt-4o-mini' } });
      await handlerFor(aiProxyConfig({ model: { name: null } }), providers).access(ctx);
      expect(upstreamJson(ctx).model).toBe('gpt-4o-mini');
    });

    it('resolves the model name from a URI capture', async () => {
      const ctx = requestContext({ body: chat, uriCaptures: { model: 'gpt-4o-mini' } });
      await handlerFor(aiProxyConfig({ model: { name: '$(uri_captures.model)' } }), providers).access(ctx);
      expect(upstreamJson(ctx).model).toBe('gpt-4o-mini');
    });

    it('streams when the client asks, and always with response_streaming = always', async () => {
      const asked = requestContext({ body: { ...chat, stream: true } });
      await handlerFor(aiProxyConfig(), providers).access(asked);
      expect([asked.responseMode, upstreamJson(asked).stream]).toEqual(['stream', true]);
      const forced = requestContext({ body: chat });
      await handlerFor(aiProxyConfig({ response_streaming: 'always' }), providers).access(forced);
      expect([forced.responseMode, upstreamJson(forced).stream]).toEqual(['stream', true]);
    });

    it("keeps the client's credential with allow_override, and replaces it without", async () => {
      const withOverride = requestContext({ body: chat, headers: { authorization: 'Bearer sk-client' } });
      const config = aiProxyConfig({
        auth: { header_name: 'Authorization', header_value: 'Bearer sk-configured', allow_override: true },
      });
      await handlerFor(config, providers).access(withOverride);
      expect(withOverride.upstream.headers.authorization).toBe('Bearer sk-client');
      const without = requestContext({ body: chat, headers: { authorization: 'Bearer sk-client' } });
      await handlerFor(aiProxyConfig(), providers).access(without);
      expect(without.upstream.headers.authorization).toBe('Bearer sk-configured');
    });

    it('places a query credential in the upstream query', async () => {
      const ctx = requestContext({ body: chat });
      const config = aiProxyConfig({
        auth: { param_name: 'apikey', param_value: 'openai-key', param_location: 'query' },
      });
      await handlerFor(config, providers).access(ctx);
      expect(ctx.upstream.url.searchParams.get('apikey')).toBe('openai-key');
      expect(ctx.upstream.headers.authorization).toBeUndefined();
    });

    it("places a body credential in the translated body, keeping the client's with allow_override", async () => {
      const auth = { param_name: 'apikey', param_value: 'openai-key', param_location: 'body' as const };
      const replaced = requestContext({ body: { ...chat, apikey: 'client-key' } });
      await handlerFor(aiProxyConfig({ auth }), providers).access(replaced);
      expect(upstreamJson(replaced).apikey).toBe('openai-key');
      const kept = requestContext({ body: { ...chat, apikey: 'client-key' } });
      await handlerFor(aiProxyConfig({ auth: { ...auth, allow_override: true } }), providers).access(kept);
      expect(upstreamJson(kept).apikey).toBe('client-key');
    });

    it("keeps the client's api-version for azure and adds the configured one otherwise", async () => {
      const config = aiProxyConfig({
        model: { provider: 'azure', options: { azure_instance: 'i', azure_deployment_id: 'd' } },
      });
      const own = requestContext({ url: '/azure/chat?api-version=2024-10-21', body: chat });
      await handlerFor(config, providers).access(own);
      expect(own.upstream.url.searchParams.getAll('api-version')).toEqual(['2024-10-21']);
      const none = requestContext({ body: chat });
      await handlerFor(config, providers).access(none);
      expect(none.upstream.url.searchParams.get('api-version')).toBe('2023-05-15');
    });
  });
});

describe("ai-proxy handler: the client's own credentials", () => {
  const clientCredentials = {
    authorization: 'Bearer sk-client',
    cookie: 'session=abc',
    apikey: 'gateway-key',
    'api-key': 'azure-key',
    'x-api-key': 'anthropic-key',
    'x-goog-api-key': 'gemini-key',
    'x-request-id': 'r-1',
  };
  const credentialHeaders = (headers: Record<string, string>) =>
    Object.keys(headers).filter((name) => name in clientCredentials && name !== 'x-request-id');

  it('never reach the provider on a route whose auth is another header', async () => {
    const ctx = requestContext({ body: chat, headers: clientCredentials });
    await handlerFor(
      aiProxyConfig({ auth: { header_name: 'x-api-key', header_value: 'sk-configured' } }),
    ).access(ctx);
    expect(credentialHeaders(ctx.upstream.headers)).toEqual(['x-api-key']);
    expect(ctx.upstream.headers['x-api-key']).toBe('sk-configured');
    expect(ctx.upstream.headers['x-request-id']).toBe('r-1');
  });

  it('keep only the configured header when allow_override lets the client set it', async () => {
    const ctx = requestContext({ body: chat, headers: clientCredentials });
    const auth = { header_name: 'Authorization', header_value: 'Bearer sk-configured', allow_override: true };
    await handlerFor(aiProxyConfig({ auth })).access(ctx);
    expect(credentialHeaders(ctx.upstream.headers)).toEqual(['authorization']);
    expect(ctx.upstream.headers.authorization).toBe('Bearer sk-client');
  });

  it('never reach the provider on a route with query auth or none, translated or preserved', async () => {
    const query = { param_name: 'key', param_value: 'sk-configured', param_location: 'query' as const };
    for (const config of [
      aiProxyConfig({ auth: query }),
      aiProxyConfig({ auth: null }),
      aiProxyConfig({ auth: null, route_type: 'preserve' }),
    ]) {
      const ctx = requestContext({ body: chat, headers: clientCredentials });
      await handlerFor(config).access(ctx);
      expect(credentialHeaders(ctx.upstream.headers)).toEqual([]);
    }
  });
});

describe('ai-proxy handler: the request as earlier plugins left it', () => {
  // key-auth's hide_credentials removes the key from the upstream query and body before ai-proxy runs.
  it('forwards the upstream query, not the client’s, translated or preserved', async () => {
    for (const config of [aiProxyConfig(), aiProxyConfig({ route_type: 'preserve' })]) {
      const ctx = requestContext({ url: '/openai/chat?apikey=gateway-key&x=1', body: chat });
      ctx.upstream.query.delete('apikey');
      await handlerFor(config, providers).access(ctx);
      expect(ctx.upstream.url.searchParams.has('apikey')).toBe(false);
      expect(ctx.upstream.url.searchParams.get('x')).toBe('1');
    }
  });

  it('translates the upstream body, not the client’s bytes', async () => {
    const ctx = requestContext({ body: { ...chat, apikey: 'gateway-key' } });
    ctx.upstream.body = JSON.stringify(chat);
    await handlerFor(aiProxyConfig(), providers).access(ctx);
    expect(upstreamJson(ctx)).not.toHaveProperty('apikey');
    expect(upstreamJson(ctx)).toMatchObject({ model: 'gpt-4o', messages: chat.messages });
  });
});

describe('ai-proxy handler: buffered answers', () => {
  async function answered(
    response: BufferedResponse,
    ctx = requestContext({ body: chat }),
    config = aiProxyConfig(),
  ) {
    const handler = handlerFor(config, providers);
    await handler.access(ctx);
    await handler.bufferedResponse(ctx, response);
    return response;
  }

  it("sends an OpenAI answer's own bytes, with Kong's headers", async () => {
    const raw = JSON.stringify(openAiAnswer, null, 2);
    const response = await answered(
      buffered(200, raw, { 'set-cookie': ['a=1'], 'content-type': 'application/json; charset=utf-8' }),
    );
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe(raw);
    expect(response.headers).toEqual({
      'content-type': 'application/json',
      'x-kong-llm-model': 'openai/gpt-4o',
    });
  });

  it('sends X-Kong-LLM-Model only when model_name_header is on or the client sent Kong-Debug', async () => {
    const config = aiProxyConfig({ model_name_header: false });
    const quiet = await answered(
      buffered(200, JSON.stringify(openAiAnswer)),
      requestContext({ body: chat }),
      config,
    );
    expect(quiet.headers['x-kong-llm-model']).toBeUndefined();
    const debug = requestContext({ body: chat, headers: { 'kong-debug': '1' } });
    expect(
      (await answered(buffered(200, JSON.stringify(openAiAnswer)), debug, config)).headers[
        'x-kong-llm-model'
      ],
    ).toBe('openai/gpt-4o');
  });

  it("passes an upstream's gzipped answer through still gzipped to a client that accepts gzip", async () => {
    const gzipped = gzipSync(JSON.stringify(openAiAnswer));
    const ctx = requestContext({ body: chat, headers: { 'accept-encoding': 'gzip, identity' } });
    const response = await answered(buffered(200, gzipped, { 'content-encoding': 'gzip' }), ctx);
    expect(response.body.equals(gzipped)).toBe(true);
    expect(response.headers['content-encoding']).toBe('gzip');
  });

  it("decodes an upstream's gzipped answer for a client that does not accept gzip", async () => {
    const response = await answered(
      buffered(200, gzipSync(JSON.stringify(openAiAnswer)), { 'content-encoding': 'gzip' }),
    );
    expect(JSON.parse(response.body.toString())).toEqual(openAiAnswer);
    expect(response.headers['content-encoding']).toBeUndefined();
  });

  it('gzips the answer for a client that accepts gzip', async () => {
    const ctx = requestContext({ body: chat, headers: { 'accept-encoding': 'gzip' } });
    const response = await answered(buffered(200, JSON.stringify(openAiAnswer)), ctx);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(response.body).toString())).toEqual(openAiAnswer);
  });

  it("translates a provider's answer to the OpenAI shape, keeping its cookies (cohere)", async () => {
    const ctx = requestContext({ body: chat });
    const cohere = aiProxyConfig({ model: { provider: 'cohere', name: 'command' } });
    const response = await answered(
      buffered(200, '{"text":"2","meta":{"billed_units":{"input_tokens":3,"output_tokens":1}}}', {
        'set-cookie': 'a=1',
      }),
      ctx,
      cohere,
    );
    expect(JSON.parse(response.body.toString())).toMatchObject({
      object: 'chat.completion',
      model: 'command',
      choices: [{ message: { content: '2' } }],
    });
    expect(response.headers['set-cookie']).toBe('a=1');
    expect(response.headers['x-kong-llm-model']).toBe('cohere/command');
  });

  it('answers 500 "transformation failed …" for a 200 it cannot translate, gzipped for a gzip client (Kong 08-encoding)', async () => {
    const ctx = requestContext({ body: chat, headers: { 'accept-encoding': 'gzip, identity' } });
    const faulty = gzipSync(
      JSON.stringify({ your_request: { was_not: 'correct but for some reason i return 200 anyway' } }),
    );
    const response = await answered(buffered(200, faulty, { 'content-encoding': 'gzip' }), ctx);
    expect(response.status).toBe(500);
    expect(JSON.parse(gunzipSync(response.body).toString())).toEqual({
      error: {
        message:
          "transformation failed from type openai://llm/v1/chat: 'choices' not in llm/v1/chat response",
      },
    });
  });

  it('answers 500 for a 200 that is not JSON', async () => {
    const response = await answered(buffered(200, '<html>oops</html>'));
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body.toString()).error.message).toBe(
      'transformation failed from type openai://llm/v1/chat: failed to decode llm/v1/chat response',
    );
  });

  it('passes an upstream error through untouched', async () => {
    const body = '{"error":{"message":"Incorrect API key provided","code":"invalid_api_key"}}';
    const response = await answered(buffered(401, body, { 'set-cookie': 'a=1', 'x-request-id': 'u-1' }));
    expect(response).toEqual(buffered(401, body, { 'set-cookie': 'a=1', 'x-request-id': 'u-1' }));
  });

  it('passes a gzipped upstream error through as it came, never inflating it', async () => {
    const gzipped = gzipSync('{"error":{"message":"bad API key"}}');
    for (const headers of [{}, { 'accept-encoding': 'gzip' }]) {
      const ctx = requestContext({ body: chat, headers });
      const kept = await answered(buffered(401, gzipped, { 'content-encoding': 'gzip' }), ctx);
      expect([kept.status, kept.headers['content-encoding']]).toEqual([401, 'gzip']);
      expect(kept.body.equals(gzipped)).toBe(true);
    }
  });

  it('answers 502 when a gzipped 200 inflates past the response limit, after inflating no more than it', async () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024));
    const ctx = requestContext({
      body: chat,
      headers: { 'accept-encoding': 'gzip' },
      maxResponseBodyBytes: 64 * 1024,
    });
    const failure = await answered(buffered(200, bomb, { 'content-encoding': 'gzip' }), ctx).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(GatewayError);
    expect([(failure as GatewayError).status, (failure as GatewayError).message]).toEqual([
      502,
      "the openai upstream's answer inflates to more than 65536 bytes (PROXY_MAX_RESPONSE_BODY_BYTES); the gateway stopped reading it",
    ]);
  });
});

describe('ai-proxy handler: streamed answers', () => {
  const openAiStream = [
    'data: {"id":"c1","model":"gpt-4o-2024","choices":[{"delta":{"role":"assistant","content":""}}]}\n\n',
    'data: {"id":"c1","choices":[{"delta":{"content":"The answer"}}]}\n\ndata: {"id":"c1","choi',
    'ces":[{"delta":{"content":" is 2."},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
  ];

  async function streamed(ctx: RequestContext, config = aiProxyConfig(), responseHead = head(200)) {
    const handler = handlerFor(config, providers);
    await handler.access(ctx);
    return { handler, responseHead, transformer: handler.streamStart(ctx, responseHead) };
  }

  it('passes OpenAI events through, each with its blank line, and sets the event-stream headers', async () => {
    const ctx = requestContext({ body: { ...chat, stream: true } });
    const { responseHead, transformer } = await streamed(
      ctx,
      aiProxyConfig(),
      head(200, { 'content-length': '10', 'set-cookie': 'a=1' }),
    );
    expect(responseHead.headers).toEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-kong-llm-model': 'openai/gpt-4o',
    });
    expect(runStream(transformer!, openAiStream)).toBe(openAiStream.join(''));
  });

  it("translates an NDJSON provider's stream to OpenAI events", async () => {
    const ctx = requestContext({ body: { ...chat, stream: true } });
    const { transformer } = await streamed(
      ctx,
      aiProxyConfig({ model: { provider: 'cohere', name: 'command' } }),
      head(200, { 'content-type': 'application/stream+json' }),
    );
    const out = runStream(transformer!, [
      '{"event_type":"stream-start"}\n{"event_type":"text-generation","text":"2"}\n{"event_type":"stream-',
      'end","response":{"meta":{"billed_units":{"input_tokens":3,"output_tokens":1}}}}\n',
    ]);
    expect(out).toBe(
      'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"2"}}]}\n\n' +
        'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":""}}]}\n\n' +
        'data: [DONE]\n\n',
    );
  });

  it("reads the stream in the framing its translator names, over the driver's (a wire format chosen per request)", async () => {
    const ndjson = fakeNdjsonDriver();
    const chatTranslation = ndjson.routes['llm/v1/chat']!.openai!;
    // Like mistral with `mistral_format=ollama`: the driver's streams are SSE, this request's NDJSON.
    const perRequestFraming: ProviderDriver = {
      ...ndjson,
      traits: { ...ndjson.traits, streamFraming: 'sse' },
      routes: {
        'llm/v1/chat': {
          openai: {
            ...chatTranslation,
            stream: (request) => ({ ...chatTranslation.stream(request), framing: 'ndjson' }),
          },
        },
      },
    };
    const ctx = requestContext({ body: { ...chat, stream: true } });
    const handler = handlerFor(
      aiProxyConfig({ model: { provider: 'cohere', name: 'command' } }),
      registryOf(perRequestFraming),
    );
    await handler.access(ctx);
    const transformer = handler.streamStart(ctx, head(200, { 'content-type': 'application/x-ndjson' }));
    expect(
      runStream(transformer!, ['{"event_type":"text-generation","text":"2"}\n{"event_type":"stream-end"}\n']),
    ).toBe(
      'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"2"}}]}\n\n' +
        'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":""}}]}\n\n' +
        'data: [DONE]\n\n',
    );
  });

  it("asks for an uncompressed stream, and answers Kong's error event to a compressed one", async () => {
    const ctx = requestContext({ body: { ...chat, stream: true }, headers: { 'accept-encoding': 'gzip' } });
    const { transformer } = await streamed(ctx, aiProxyConfig(), head(200, { 'content-encoding': 'gzip' }));
    expect(ctx.upstream.headers['accept-encoding']).toBe('identity');
    expect(runStream(transformer!, [gzipSync(openAiStream.join(''))])).toBe(UNSUPPORTED_FRAME_EVENT);
  });

  it('passes an upstream error through as it came, as one plain body', async () => {
    const ctx = requestContext({ body: { ...chat, stream: true } });
    const errorHead = head(400, { 'content-type': 'application/json' });
    const { responseHead, transformer } = await streamed(ctx, aiProxyConfig(), errorHead);
    expect(transformer).toBeUndefined();
    expect(responseHead).toEqual(head(400, { 'content-type': 'application/json' }));
  });

  it("answers Kong's error event when the upstream answers a stream request with one JSON body", async () => {
    const ctx = requestContext({ body: { ...chat, stream: true } });
    const { transformer } = await streamed(
      ctx,
      aiProxyConfig(),
      head(200, { 'content-type': 'application/json' }),
    );
    expect(runStream(transformer!, ['{"unexpected":{"note":"not a completion"}}'])).toBe(
      'data: {"error":{"message":"empty or unsupported transformer response"}}\n\n',
    );
    expect(ctx.failure).toBe('unsupported_stream');
  });

  it('answers 502 before the head when the upstream answers a stream request with an HTML page', async () => {
    const ctx = requestContext({ body: { ...chat, stream: true } });
    const handler = handlerFor(aiProxyConfig(), providers);
    await handler.access(ctx);
    const error = (() => {
      try {
        handler.streamStart(ctx, head(200, { 'content-type': 'text/html; charset=utf-8' }));
      } catch (thrown) {
        return thrown as GatewayError;
      }
      return undefined;
    })();
    expect([error?.status, error?.message]).toEqual([
      502,
      "the openai upstream answered a stream request with 'text/html'; a sse stream comes as 'text/event-stream'",
    ]);
  });

  it('ends a stream cut short before its terminator with an error event and marks the request failed', async () => {
    const ctx = requestContext({ body: { ...chat, stream: true } });
    const { transformer } = await streamed(ctx);
    expect(runStream(transformer!, openAiStream.slice(0, 2))).toMatch(
      /data: \{"error":\{"message":"upstream stream ended before its last event; the answer is incomplete"\}\}\n\n$/,
    );
    expect(ctx.failure).toBe('stream_incomplete');
  });
});

describe('ai-proxy handler: analytics log', () => {
  const statistics = { log_statistics: true, log_payloads: false };

  it('logs meta and usage of a buffered answer under ai.proxy', async () => {
    const config = aiProxyConfig({
      model: { name: 'gpt-3.5-turbo', options: { input_cost: 10, output_cost: 10 } },
      logging: statistics,
    });
    const handler = handlerFor(config, providers);
    const ctx = requestContext({ body: chat });
    await handler.access(ctx);
    await handler.bufferedResponse(ctx, buffered(200, JSON.stringify(openAiAnswer)));
    handler.log(ctx);
    expect(logOf(ctx)).toEqual({
      meta: {
        plugin_id: 'plugin-1',
        provider_name: 'openai',
        request_model: 'gpt-3.5-turbo',
        response_model: 'gpt-3.5-turbo-0613',
        llm_latency: expect.any(Number),
      },
      usage: {
        prompt_tokens: 25,
        completion_tokens: 12,
        total_tokens: 37,
        time_per_token: expect.any(Number),
        cost: 0.00037,
      },
    });
  });

  it("estimates an OpenAI stream's tokens when it reports none (prompt words × 1.8, completion per 4 bytes)", async () => {
    const handler = handlerFor(
      aiProxyConfig({ logging: { log_statistics: true, log_payloads: true } }),
      providers,
    );
    const ctx = requestContext({ body: { ...chat, stream: true } });
    await handler.access(ctx);
    runStream(handler.streamStart(ctx, head(200))!, [
      'data: {"choices":[{"delta":{"content":"The answer"}}]}\n\ndata: {"choices":[{"delta":{"content":" is 2."}}]}\n\ndata: [DONE]\n\n',
    ]);
    handler.log(ctx);
    const entry = logOf(ctx);
    expect(entry.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 }); // 5 words × 1.8; 3 + 2
    expect(JSON.parse(entry.payload!.response!).choices[0].message.content).toBe('The answer is 2.');
    expect(entry.payload!.request).toBe(JSON.stringify({ ...chat, stream: true }));
  });

  it("takes a provider's stream token counts (cohere's stream-end)", async () => {
    const handler = handlerFor(
      aiProxyConfig({ model: { provider: 'cohere', name: 'command' }, logging: statistics }),
      providers,
    );
    const ctx = requestContext({ body: { ...chat, stream: true } });
    await handler.access(ctx);
    runStream(handler.streamStart(ctx, head(200, { 'content-type': 'application/stream+json' }))!, [
      '{"event_type":"text-generation","text":"2"}\n{"event_type":"stream-end","response":{"meta":{"billed_units":{"input_tokens":3,"output_tokens":1}}}}\n',
    ]);
    handler.log(ctx);
    expect(logOf(ctx).usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
  });

  it("adds the provider's own analytics (Azure's instance, deployment and api version) to the meta", async () => {
    const options = {
      azure_instance: '001-kong-t',
      azure_deployment_id: 'gpt-3.5-custom',
      azure_api_version: '2023-05-15',
    };
    const azure = {
      ...fakeOpenAiDriver('azure'),
      analyticsMeta: (resolved: typeof options) => ({
        azure_instance_id: resolved.azure_instance,
        azure_deployment_id: resolved.azure_deployment_id,
        azure_api_version: resolved.azure_api_version,
      }),
    };
    const handler = handlerFor(
      aiProxyConfig({ model: { provider: 'azure', options }, logging: statistics }),
      registryOf(azure as ProviderDriver),
    );
    const ctx = requestContext({ body: chat });
    await handler.access(ctx);
    await handler.bufferedResponse(ctx, buffered(200, JSON.stringify(openAiAnswer)));
    handler.log(ctx);
    expect(logOf(ctx).meta).toMatchObject({
      provider_name: 'azure',
      azure_instance_id: '001-kong-t',
      azure_deployment_id: 'gpt-3.5-custom',
      azure_api_version: '2023-05-15',
    });
  });

  it('logs nothing when neither statistics nor payloads are on', async () => {
    const handler = handlerFor(aiProxyConfig(), providers);
    const ctx = requestContext({ body: chat });
    await handler.access(ctx);
    await handler.bufferedResponse(ctx, buffered(200, JSON.stringify(openAiAnswer)));
    handler.log(ctx);
    expect(ctx.log).toEqual({});
  });

  it('logs nothing for a request answered in access', async () => {
    const handler = handlerFor(aiProxyConfig({ logging: statistics }), providers);
    const ctx = requestContext({ body: '{' });
    await accessError(handler, ctx);
    handler.log(ctx);
    expect(ctx.log).toEqual({});
  });

  it('never logs the credential', async () => {
    const handler = handlerFor(
      aiProxyConfig({ logging: { log_statistics: true, log_payloads: true } }),
      providers,
    );
    const ctx = requestContext({ body: chat });
    await handler.access(ctx);
    await handler.bufferedResponse(ctx, buffered(200, JSON.stringify(openAiAnswer)));
    handler.log(ctx);
    expect(JSON.stringify(ctx.log)).not.toContain('sk-configured');
  });
});

describe('ai-proxy handler: preserve', () => {
  const embeddings = '{"input":"The food was delicious","model":"text-embedding-3-small"}';
  const preserve = (overrides: Parameters<typeof aiProxyConfig>[0] = {}) =>
    aiProxyConfig({ route_type: 'preserve', ...overrides, model: { name: null, ...overrides.model } });

  it("proxies the body as is to the provider's origin with the client's path and the credential", async () => {
    const ctx = requestContext({ method: 'POST', url: '/v1/embeddings?x=1', body: embeddings });
    await handlerFor(preserve(), providers).access(ctx);
    expect(ctx.upstream.url.href).toBe('https://openai.example/v1/embeddings?x=1');
    expect(ctx.upstream.body.toString()).toBe(embeddings);
    expect(ctx.upstream.headers.authorization).toBe('Bearer sk-configured');
    expect(ctx.upstream.label).toBe('openai');
    expect(ctx.responseMode).toBe('stream');
  });

  it('sends to upstream_url when it is set, even for a provider without a driver', async () => {
    const ctx = requestContext({ url: '/v1/embeddings', body: embeddings });
    const config = preserve({
      model: {
        provider: 'mistral',
        options: { mistral_format: 'openai', upstream_url: 'http://mock:9000/v1/embed' },
      },
    });
    await handlerFor(config, providers).access(ctx);
    expect(ctx.upstream.url.href).toBe('http://mock:9000/v1/embed');
  });

  it('answers 400 "no transformer for …" when neither a driver nor upstream_url gives the origin', async () => {
    const config = preserve({
      model: { provider: 'anthropic', options: { anthropic_version: '2023-06-01' } },
    });
    expect(await failureOf(config, requestContext({ body: embeddings }))).toEqual([
      400,
      'no transformer for anthropic://preserve',
    ]);
  });

  it('places a body credential in the JSON body', async () => {
    const ctx = requestContext({ body: embeddings });
    await handlerFor(
      preserve({ auth: { param_name: 'apikey', param_value: 'k', param_location: 'body' } }),
      providers,
    ).access(ctx);
    expect(upstreamJson(ctx)).toEqual({ ...JSON.parse(embeddings), apikey: 'k' });
  });

  it('enforces response_streaming = deny', async () => {
    const ctx = requestContext({ body: { ...chat, stream: true } });
    expect(await failureOf(preserve({ response_streaming: 'deny' }), ctx)).toEqual([
      400,
      'response streaming is not enabled for this LLM',
    ]);
  });

  it("passes the answer through untouched, with Kong's headers on a 200", async () => {
    const handler = handlerFor(preserve({ model: { name: 'text-embedding-3-small' } }), providers);
    const ctx = requestContext({ body: embeddings });
    await handler.access(ctx);
    const answerHead = head(200, {
      'content-type': 'application/json',
      'set-cookie': 'a=1',
      'content-encoding': 'gzip',
    });
    expect(handler.streamStart(ctx, answerHead)).toBeUndefined();
    expect(answerHead.headers).toEqual({
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-kong-llm-model': 'openai/text-embedding-3-small',
    });
  });

  it("logs the answer's usage and model when statistics are on", async () => {
    const handler = handlerFor(
      preserve({ logging: { log_statistics: true, log_payloads: true } }),
      providers,
    );
    const ctx = requestContext({ body: embeddings });
    await handler.access(ctx);
    const answer =
      '{"object":"list","model":"text-embedding-3-small","usage":{"prompt_tokens":5,"total_tokens":5}}';
    const transformer = handler.streamStart(
      ctx,
      head(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
    )!;
    const gzipped = gzipSync(answer);
    expect(runStream(transformer, [gzipped]).length).toBeGreaterThan(0);
    handler.log(ctx);
    const entry = logOf(ctx);
    expect(entry.meta).toMatchObject({
      request_model: 'UNSPECIFIED',
      response_model: 'text-embedding-3-small',
    });
    expect(entry.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 });
    expect(entry.payload).toEqual({ request: embeddings, response: answer });
  });
});
