import { GatewayError } from '@switchyard/plugin-api';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_PROVIDER_API_KEY,
  buildRequestContext,
  fakeOpenAiDriver,
  registryOf,
  startMockProvider,
  type MockProviderServer,
} from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LlmTransformerConfig } from './llm-transformer.config.js';
import { compileLlmTransformer } from './llm-transformer.js';

const providers = registryOf(fakeOpenAiDriver());
const SETTINGS = { pluginId: 'plugin-9', logNamespace: 'ai.ai-request-transformer' };
const PROMPT = 'You are a mathematician. Multiply all numbers in my JSON request, by 2.';
const BODY = '{"persons": [{"name": "Kong A", "age": 31}]}';
/** Kong's fixture: JSON padded with talk the prompt asked the model to leave out. */
const PADDED =
  'Sure! Here is your JSON: {\n  "persons": [{"name": "Kong A", "age": 62}]\n}.\nCan I do anything else for you?';

async function failureOf(run: () => Promise<unknown>): Promise<[number, string]> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GatewayError) return [error.status, error.message];
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('compileLlmTransformer', () => {
  let openai: MockProviderServer;

  beforeAll(async () => {
    openai = await startMockProvider('openai');
  });
  afterAll(() => openai.close());
  beforeEach(() => openai.reset());

  const config = (overrides: Partial<LlmTransformerConfig> = {}): LlmTransformerConfig => ({
    prompt: PROMPT,
    transformation_extract_pattern: null,
    http_timeout: 5_000,
    https_verify: true,
    max_request_body_size: 8192,
    llm: {
      route_type: 'llm/v1/chat',
      auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
      model: {
        provider: 'openai',
        name: 'gpt-4',
        options: { upstream_url: `${openai.url}/v1/chat/completions` },
      },
      logging: { log_statistics: true, log_payloads: false },
    },
    ...overrides,
  });

  it("asks the model [system: prompt, user: body] and returns its answer's text", async () => {
    const text = await compileLlmTransformer(config(), SETTINGS, providers).transform(
      buildRequestContext(),
      BODY,
    );

    expect(text).toBe(DEFAULT_REPLY_TEXT);
    expect(openai.lastRequest()!.body).toMatchObject({
      messages: [
        { role: 'system', content: PROMPT },
        { role: 'user', content: BODY },
      ],
    });
  });

  it("logs the call under the plugin's namespace", async () => {
    const ctx = buildRequestContext();
    await compileLlmTransformer(config(), SETTINGS, providers).transform(ctx, BODY);

    expect(ctx.log['ai.ai-request-transformer']).toMatchObject({
      meta: {
        plugin_id: 'plugin-9',
        provider_name: 'openai',
        request_model: 'gpt-4',
        response_model: 'gpt-4',
      },
      usage: { completion_tokens: DEFAULT_REPLY_TEXT.split(' ').length },
    });
  });

  it('keeps the first match of the extract pattern, matched as Kong does: case-insensitive, multiline', async () => {
    openai.setBehaviour({ replyText: PADDED });
    const ctx = buildRequestContext();
    const transform = (pattern: string) =>
      compileLlmTransformer(
        config({ transformation_extract_pattern: pattern }),
        SETTINGS,
        providers,
      ).transform(ctx, BODY);

    // Kong's spec pattern: from the first `{` to the last `}`, across lines.
    expect(await transform('\\{((.|\\n)*)\\}')).toBe('{\n  "persons": [{"name": "Kong A", "age": 62}]\n}');
    expect(await transform('^can I do .*$')).toBe('Can I do anything else for you?');
  });

  it("answers Kong's 400 when the pattern does not match, and still logs the call (its tokens are spent)", async () => {
    openai.setBehaviour({ replyText: 'I would rather not.' });
    const ctx = buildRequestContext();
    const transformer = compileLlmTransformer(
      config({ transformation_extract_pattern: '\\{.*\\}' }),
      SETTINGS,
      providers,
    );

    expect(await failureOf(() => transformer.transform(ctx, BODY))).toEqual([
      400,
      'AI response did not match specified regular expression',
    ]);
    expect(ctx.log['ai.ai-request-transformer']).toMatchObject({ usage: { completion_tokens: 4 } });
  });

  it("answers Kong's 400s when the model fails, in Kong's words", async () => {
    const transformer = compileLlmTransformer(config({ http_timeout: 200 }), SETTINGS, providers);
    const cases: [object, string][] = [
      [{ status: 400 }, 'failed to introspect request with AI service: status code 400'],
      [
        { status: 500, body: '<html>oops</html>' },
        'failed to introspect request with AI service: status code 500',
      ],
      [
        { hang: true },
        'failed to introspect request with AI service: request to ai service failed: request failed: timeout',
      ],
      [
        { badBody: true },
        "failed to convert AI response to Kong format: 'choices' not in llm/v1/chat response",
      ],
      [
        { replyText: '', toolCalls: [{ name: 'f', arguments: {} }] },
        "no 'choices' in upstream AI service response",
      ],
    ];
    for (const [behaviour, message] of cases) {
      openai.behaviour = behaviour;
      expect(await failureOf(() => transformer.transform(buildRequestContext(), BODY)), message).toEqual([
        400,
        message,
      ]);
    }
  });
});
