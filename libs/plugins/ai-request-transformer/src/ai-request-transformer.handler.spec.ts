import { llmRequestOf, type LlmTransformerConfig } from '@switchyard/llm';
import {
  MOCK_PROVIDER_API_KEY,
  accessFailure,
  buildRequestContext,
  fakeOpenAiDriver,
  registryOf,
  startMockProvider,
  type MockProviderServer,
} from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AI_REQUEST_TRANSFORMER_LOG,
  createAiRequestTransformerHandler,
} from './ai-request-transformer.handler.js';

const PROMPT = 'Translate the user message of this chat request into French. Return only the JSON.';
const CLIENT = { messages: [{ role: 'user', content: 'Hello' }] };
const REWRITTEN = { messages: [{ role: 'user', content: 'Bonjour' }] };

describe('ai-request-transformer access', () => {
  let llm: MockProviderServer;

  beforeAll(async () => {
    llm = await startMockProvider('openai', { behaviour: { replyText: JSON.stringify(REWRITTEN) } });
  });
  afterAll(() => llm.close());
  beforeEach(() => llm.reset());

  const config = (overrides: Partial<LlmTransformerConfig> = {}): LlmTransformerConfig => ({
    prompt: PROMPT,
    transformation_extract_pattern: null,
    http_timeout: 2_000,
    https_verify: true,
    max_request_body_size: 8192,
    llm: {
      route_type: 'llm/v1/chat',
      auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
      model: {
        provider: 'openai',
        name: 'gpt-4o-mini',
        options: { upstream_url: `${llm.url}/v1/chat/completions` },
      },
      logging: { log_statistics: true, log_payloads: false },
    },
    ...overrides,
  });
  const handlerFor = (overrides: Partial<LlmTransformerConfig> = {}) =>
    createAiRequestTransformerHandler(
      config(overrides),
      { pluginId: 'transformer-1', routeId: 'route-1', serviceId: null },
      registryOf(fakeOpenAiDriver()),
    );

  it("sends the client's body to the model with the prompt, and the model's answer upstream in its place", async () => {
    const ctx = buildRequestContext({ body: CLIENT });
    await handlerFor().access!(ctx);

    expect(llm.lastRequest()!.body).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: PROMPT },
        { role: 'user', content: JSON.stringify(CLIENT) },
      ],
    });
    expect(ctx.upstream.body.toString()).toBe(JSON.stringify(REWRITTEN));
    // ai-proxy and the prompt plugins, which run later, read the rewritten request.
    expect(llmRequestOf(ctx).body).toEqual(REWRITTEN);
    expect(ctx.log[AI_REQUEST_TRANSFORMER_LOG]).toMatchObject({
      meta: { plugin_id: 'transformer-1', provider_name: 'openai', request_model: 'gpt-4o-mini' },
    });
  });

  it('sends the body the plugins before it forward: a key key-auth hid never reaches the model', async () => {
    const ctx = buildRequestContext({ body: { ...CLIENT, apikey: 'consumer-key' } });
    // key-auth (1250) with hide_credentials, before this plugin (777).
    ctx.upstream.body = JSON.stringify(CLIENT);
    await handlerFor().access!(ctx);

    expect(llm.lastRequest()!.body).toMatchObject({
      messages: [
        { role: 'system', content: PROMPT },
        { role: 'user', content: JSON.stringify(CLIENT) },
      ],
    });
    expect(llmRequestOf(ctx).body).toEqual(REWRITTEN);
  });

  it('sends any body, JSON or not, as the user message', async () => {
    const ctx = buildRequestContext({
      body: '<persons><person age="31"/></persons>',
      headers: { 'content-type': 'application/xml' },
    });
    await handlerFor().access!(ctx);

    expect((llm.lastRequest()!.body as { messages: { content: string }[] }).messages[1]!.content).toBe(
      '<persons><person age="31"/></persons>',
    );
  });

  it('answers 413 for a body over max_request_body_size, without calling the model', async () => {
    const ctx = buildRequestContext({ body: CLIENT });
    expect(await accessFailure(handlerFor({ max_request_body_size: 16 }), ctx)).toEqual([
      413,
      'request body is larger than max_request_body_size (16 bytes); raise config.max_request_body_size or send a smaller request',
    ]);
    expect(llm.requests).toHaveLength(0);
  });

  it("answers Kong's 400 when the model fails, and leaves the request as the client sent it", async () => {
    llm.setBehaviour({ status: 503 });
    const ctx = buildRequestContext({ body: CLIENT });

    expect(await accessFailure(handlerFor(), ctx)).toEqual([
      400,
      'failed to introspect request with AI service: status code 503',
    ]);
    expect(ctx.upstream.body.toString()).toBe(JSON.stringify(CLIENT));
  });

  it('answers 415 for a compressed client body: the model is asked text', async () => {
    const ctx = buildRequestContext({ body: 'gzip', headers: { 'content-encoding': 'gzip' } });
    expect((await accessFailure(handlerFor(), ctx))?.[0]).toBe(415);
    expect(llm.requests).toHaveLength(0);
  });
});
