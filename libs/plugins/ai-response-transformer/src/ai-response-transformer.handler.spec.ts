import { gzipSync } from 'node:zlib';
import { GatewayError } from '@switchyard/plugin-api';
import type { BufferedResponse, PluginHandler, RequestContext } from '@switchyard/plugin-api';
import {
  MOCK_PROVIDER_API_KEY,
  buildRequestContext,
  fakeOpenAiDriver,
  registryOf,
  startMockProvider,
  type MockProviderServer,
} from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AiResponseTransformerConfig } from './ai-response-transformer.config.js';
import {
  AI_RESPONSE_TRANSFORMER_LOG,
  createAiResponseTransformerHandler,
} from './ai-response-transformer.handler.js';

const PROMPT = 'Mask all credit card numbers in my JSON message with *. Return me ONLY the resulting JSON.';
const UPSTREAM = { user: { name: 'Kong User', card: '4111 1111 1111 1111' } };
const MASKED = { user: { name: 'Kong User', card: '**** **** **** ****' } };

async function errorOf(run: () => unknown): Promise<[number, string] | undefined> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GatewayError) return [error.status, error.message];
    throw error;
  }
  return undefined;
}

function upstreamAnswer(overrides: Partial<BufferedResponse> = {}): BufferedResponse {
  const body = Buffer.from(JSON.stringify(UPSTREAM));
  return {
    status: 201,
    headers: {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'x-request-id': 'r-1',
    },
    body,
    ...overrides,
  };
}

describe('ai-response-transformer', () => {
  let llm: MockProviderServer;

  beforeAll(async () => {
    llm = await startMockProvider('openai', { behaviour: { replyText: JSON.stringify(MASKED) } });
  });
  afterAll(() => llm.close());
  beforeEach(() => llm.reset());

  const handlerFor = (overrides: Partial<AiResponseTransformerConfig> = {}): PluginHandler =>
    createAiResponseTransformerHandler(
      {
        prompt: PROMPT,
        transformation_extract_pattern: null,
        parse_llm_response_json_instructions: false,
        http_timeout: 2_000,
        https_verify: true,
        max_request_body_size: 8192,
        llm: {
          route_type: 'llm/v1/chat',
          auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
          model: {
            provider: 'openai',
            name: 'gpt-4o',
            options: { upstream_url: `${llm.url}/v1/chat/completions` },
          },
          logging: { log_statistics: true, log_payloads: false },
        },
        ...overrides,
      },
      { pluginId: 'transformer-2', routeId: 'route-1', serviceId: null },
      registryOf(fakeOpenAiDriver()),
    );

  /** `access` then `bufferedResponse`, as the gateway runs them; the answer as the client gets it. */
  async function transformed(handler: PluginHandler, ctx: RequestContext, answer = upstreamAnswer()) {
    await handler.access!(ctx);
    await handler.bufferedResponse!(ctx, answer);
    return answer;
  }

  describe('access', () => {
    it('asks for the whole answer, uncompressed', async () => {
      const ctx = buildRequestContext({ headers: { 'accept-encoding': 'br, gzip' } });
      await handlerFor().access!(ctx);

      expect(ctx.responseMode).toBe('buffered');
      expect(ctx.upstream.headers['accept-encoding']).toBe('identity');
    });

    it('refuses with 400 an answer that would be streamed, before the upstream is called', async () => {
      const ctx = buildRequestContext();
      ctx.responseMode = 'stream';
      expect((await errorOf(() => handlerFor().access!(ctx)))?.[0]).toBe(400);
    });

    it('answers 413 for a body over max_request_body_size', async () => {
      const ctx = buildRequestContext({ body: 'x'.repeat(100) });
      expect((await errorOf(() => handlerFor({ max_request_body_size: 99 }).access!(ctx)))?.[0]).toBe(413);
    });
  });

  describe('bufferedResponse', () => {
    it("sends the upstream's body to the model, and the client the model's answer with the upstream's status and headers", async () => {
      const ctx = buildRequestContext();
      const answer = await transformed(handlerFor(), ctx);

      expect(llm.lastRequest()!.body).toMatchObject({
        messages: [
          { role: 'system', content: PROMPT },
          { role: 'user', content: JSON.stringify(UPSTREAM) },
        ],
      });
      expect(answer.status).toBe(201);
      expect(answer.headers).toEqual({ 'content-type': 'application/json', 'x-request-id': 'r-1' });
      expect(JSON.parse(answer.body.toString())).toEqual(MASKED);
      expect(ctx.log[AI_RESPONSE_TRANSFORMER_LOG]).toMatchObject({ meta: { plugin_id: 'transformer-2' } });
    });

    it('gives the model a gzipped answer inflated, and the client the new body uncompressed', async () => {
      const answer = await transformed(
        handlerFor(),
        buildRequestContext(),
        upstreamAnswer({
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          body: gzipSync(JSON.stringify(UPSTREAM)),
        }),
      );

      expect((llm.lastRequest()!.body as { messages: { content: string }[] }).messages[1]!.content).toBe(
        JSON.stringify(UPSTREAM),
      );
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(answer.body.toString())).toEqual(MASKED);
    });

    it('answers 502 for an upstream answer in an encoding the gateway cannot decode', async () => {
      const ctx = buildRequestContext();
      await handlerFor().access!(ctx);
      const answer = upstreamAnswer({ headers: { 'content-encoding': 'br' } });

      expect(await errorOf(() => handlerFor().bufferedResponse!(ctx, answer))).toEqual([
        502,
        "the llm upstream answered with content-encoding 'br', which the gateway cannot decode",
      ]);
      expect(llm.requests).toHaveLength(0);
    });

    it('follows the JSON instructions of the answer, cut out of its padding by the extract pattern', async () => {
      const xml = '<persons>\n  <person><name>Kong A</name><age>62</age></person>\n</persons>';
      const instructions = { status: 209, headers: { 'content-type': 'application/xml' }, body: xml };
      llm.setBehaviour({
        replyText: `Sure! Here's your response: ${JSON.stringify(instructions, null, 2)}.\nCan I help with anything else?`,
      });
      const handler = handlerFor({
        parse_llm_response_json_instructions: true,
        transformation_extract_pattern: '\\{((.|\\n)*)\\}',
      });
      const answer = await transformed(handler, buildRequestContext());

      expect(answer.status).toBe(209);
      expect(answer.headers['content-type']).toBe('application/xml');
      expect(answer.body.toString()).toBe(xml);
    });

    it("answers Kong's 500 when the instructions are no JSON, and Kong's 400 when the model fails", async () => {
      llm.setBehaviour({ replyText: 'Sure! {"status": 209}' });
      const ctx = buildRequestContext();
      const handler = handlerFor({ parse_llm_response_json_instructions: true });
      const [status, message] = (await errorOf(() => transformed(handler, ctx)))!;
      expect(status).toBe(500);
      expect(message).toMatch(/^failed to parse JSON response instructions from AI backend: /);

      llm.setBehaviour({ status: 500 });
      expect(await errorOf(() => transformed(handler, buildRequestContext()))).toEqual([
        400,
        'failed to introspect request with AI service: status code 500',
      ]);
    });
  });
});
