import { describe, expect, it } from 'vitest';
import { validatePluginConfig } from '@switchyard/config';
import { LocalCounterStore } from '@switchyard/counters';
import {
  GatewayError,
  type CounterStore,
  type LlmUsage,
  type PluginHandler,
  type RequestContext,
} from '@switchyard/plugin-api';
import { buildRequestContext } from '@switchyard/testing';
import type { AiRateLimitingAdvancedConfig } from './ai-rate-limiting-advanced.config.js';
import { createAiRateLimitingAdvancedHandler } from './ai-rate-limiting-advanced.handler.js';
import { aiRateLimitingAdvancedSchema } from './ai-rate-limiting-advanced.schema.js';

const SCOPE = { pluginId: 'plugin-1', routeId: 'route-1', serviceId: null };
const ALICE = { id: 'alice-id', username: 'alice', custom_id: null };

/** The config the Admin API would store for `input` (defaults filled by the real schema). */
function config(input: Record<string, unknown> = {}): AiRateLimitingAdvancedConfig {
  const result = validatePluginConfig(aiRateLimitingAdvancedSchema, {
    llm_providers: [{ name: 'openai', limit: [100], window_size: [60] }],
    ...input,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value as unknown as AiRateLimitingAdvancedConfig;
}

/** A chat request of `words` one-token words asking for at most `maxTokens`, from Alice. */
function chat(words: number, maxTokens: number, headers: Record<string, string> = {}): RequestContext {
  const ctx = buildRequestContext({
    headers,
    body: {
      model: 'gpt-4o',
      max_tokens: maxTokens,
      messages: [{ role: 'user', content: 'w '.repeat(words) }],
    },
  });
  ctx.consumer = ALICE;
  return ctx;
}

/** The answer as the LLM core would report it. */
function answered(ctx: RequestContext, usage: Partial<LlmUsage>, status = 200): void {
  ctx.status = status;
  ctx.llmUsage = () => ({
    provider: 'openai',
    promptTokens: 0,
    completionTokens: 0,
    cost: 0,
    reported: true,
    ...usage,
  });
}

async function refusal(handler: PluginHandler, ctx: RequestContext): Promise<GatewayError | undefined> {
  try {
    await handler.access!(ctx);
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
}

/** Lets the settlement the log phase started land. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

function limiter(input: Record<string, unknown> = {}, store: CounterStore = new LocalCounterStore()) {
  return { handler: createAiRateLimitingAdvancedHandler(config(input), SCOPE, store), store };
}

describe('ai-rate-limiting-advanced', () => {
  it('reserves the prompt estimate plus max_tokens and refuses what no longer fits with Kong’s 429', async () => {
    const { handler } = limiter();
    expect(await refusal(handler, chat(10, 40))).toBeUndefined(); // 50 held
    const refused = await refusal(handler, chat(10, 41)); // 51 > 50 left
    expect(refused?.status).toBe(429);
    expect(refused?.message).toBe('AI token rate limit exceeded for provider(s): openai');
    expect(refused?.toBody()).toEqual({ message: 'AI token rate limit exceeded for provider(s): openai' });
    // Kong's refusal headers: the window by its name, the wait under Kong's names and the standard one.
    const wait = refused!.headers['x-ai-ratelimit-retry-after']!;
    expect(Number(wait)).toBeGreaterThan(0);
    expect(Number(wait)).toBeLessThanOrEqual(60);
    expect(refused?.headers).toEqual({
      'x-ai-ratelimit-limit-minute-openai': '100',
      'x-ai-ratelimit-remaining-minute-openai': '50',
      'x-ai-ratelimit-reset-minute-openai': wait,
      'x-ai-ratelimit-retry-after-minute-openai': wait,
      'x-ai-ratelimit-reset': wait,
      'x-ai-ratelimit-retry-after': wait,
      'retry-after': wait,
    });
  });

  it('settles a reservation to the tokens the answer really used', async () => {
    const { handler } = limiter();
    const first = chat(10, 80);
    await handler.access!(first);
    answered(first, { promptTokens: 10, completionTokens: 5 });
    handler.log!(first);
    await settled();
    // 15 counted, not 90: 85 fit.
    expect(await refusal(handler, chat(5, 80))).toBeUndefined();
    expect(await refusal(handler, chat(1, 0))).toBeDefined();
  });

  it('charges a stream the client left what it was sent (the LLM core’s estimate of the text)', async () => {
    const { handler } = limiter();
    const stream = chat(10, 80);
    await handler.access!(stream);
    answered(stream, { promptTokens: 10, completionTokens: 12, reported: false });
    handler.log!(stream);
    await settled();
    expect(await refusal(handler, chat(0, 78))).toBeUndefined(); // 22 + 78 = 100
    expect(await refusal(handler, chat(0, 1))).toBeDefined();
  });

  it('gives the reservation back when no LLM call was made or the provider refused it', async () => {
    const { handler } = limiter();
    const unsent = chat(10, 90);
    await handler.access!(unsent);
    handler.log!(unsent);
    const failed = chat(0, 100);
    await settled();
    await handler.access!(failed);
    answered(failed, { promptTokens: 10, reported: false }, 503);
    handler.log!(failed);
    await settled();
    expect(await refusal(handler, chat(0, 100))).toBeUndefined();
  });

  it('answers with the configured error_code and error_message, providers hidden when asked', async () => {
    const { handler } = limiter({
      error_code: 402,
      error_message: 'Budget spent',
      error_hide_providers: true,
    });
    const refused = await refusal(handler, chat(0, 101));
    expect(refused?.status).toBe(402);
    expect(refused?.message).toBe('Budget spent');
  });

  it('sends Kong’s headers on the answer, and none with hide_client_headers', async () => {
    const shown = limiter({
      llm_providers: [{ name: 'openai', limit: [100, 1000], window_size: [60, 3600] }],
    });
    await shown.handler.access!(chat(10, 20)); // 30 held before the next
    const response = { status: 200, headers: {} as Record<string, string | string[]>, body: Buffer.alloc(0) };
    const again = chat(10, 20);
    await shown.handler.access!(again);
    shown.handler.bufferedResponse!(again, response);
    expect(response.headers).toEqual({
      'x-ai-ratelimit-limit-minute-openai': '100',
      'x-ai-ratelimit-remaining-minute-openai': '40',
      'x-ai-ratelimit-limit-hour-openai': '1000',
      'x-ai-ratelimit-remaining-hour-openai': '940',
    });
    const hidden = limiter({ hide_client_headers: true });
    const quiet = chat(1, 1);
    await hidden.handler.access!(quiet);
    const streamHead = { status: 200, headers: {} as Record<string, string | string[]> };
    hidden.handler.streamStart!(quiet, streamHead);
    expect(streamHead.headers).toEqual({});
  });

  it('counts each identifier apart: another consumer, or another header value, has its own window', async () => {
    const { handler } = limiter({ identifier: 'header', header_name: 'X-Team' });
    expect(await refusal(handler, chat(0, 100, { 'x-team': 'red' }))).toBeUndefined();
    expect(await refusal(handler, chat(0, 1, { 'x-team': 'red' }))).toBeDefined();
    expect(await refusal(handler, chat(0, 100, { 'x-team': 'blue' }))).toBeUndefined();
    const byConsumer = limiter();
    await byConsumer.handler.access!(chat(0, 100));
    const bob = chat(0, 100);
    bob.consumer = { id: 'bob-id', username: 'bob', custom_id: null };
    expect(await refusal(byConsumer.handler, bob)).toBeUndefined();
  });

  it('charges a cost budget the answer’s cost, and refuses once it is spent', async () => {
    const { handler } = limiter({
      tokens_count_strategy: 'cost',
      llm_providers: [{ name: 'openai', limit: [0.5], window_size: [2_592_000] }], // 30 days: Kong's `month`
    });
    const first = chat(10, 10);
    await handler.access!(first);
    answered(first, { promptTokens: 10, completionTokens: 10, cost: 0.5 });
    handler.log!(first);
    await settled();
    const refused = await refusal(handler, chat(1, 1));
    expect(refused?.status).toBe(429);
    expect(refused?.headers['x-ai-ratelimit-remaining-month-openai']).toBe('0');
  });

  it('lets requests through when the counters fail and fail_open, refuses them with 503 when fail_closed', async () => {
    const down: CounterStore = {
      kind: 'redis',
      reserve: () => Promise.reject(new Error('Command timed out')),
      settle: () => Promise.reject(new Error('Command timed out')),
      usage: () => Promise.reject(new Error('Command timed out')),
    };
    const open = limiter({ strategy: 'redis' }, down);
    const ctx = chat(1, 1);
    expect(await refusal(open.handler, ctx)).toBeUndefined();
    expect(ctx.log['ai-rate-limiting-advanced']).toEqual({
      decision: 'counters_unreachable',
      policy: 'fail_open',
    });
    const closed = limiter({ strategy: 'redis', redis_failure_policy: 'fail_closed' }, down);
    const refused = await refusal(closed.handler, chat(1, 1));
    expect(refused?.status).toBe(503);
    expect(refused?.message).toContain('Command timed out');
  });
});

describe('ai-rate-limiting-advanced config', () => {
  function errors(input: Record<string, unknown>) {
    const result = validatePluginConfig(aiRateLimitingAdvancedSchema, input);
    return result.ok ? undefined : result.errors;
  }

  it('fills Kong’s defaults', () => {
    expect(config()).toMatchObject({
      identifier: 'consumer',
      strategy: 'local',
      window_type: 'sliding',
      tokens_count_strategy: 'total_tokens',
      error_code: 429,
      error_message: 'AI token rate limit exceeded for provider(s): ',
      hide_client_headers: false,
    });
  });

  it('refuses windows without limits, a header identifier without header_name, an unknown provider', () => {
    expect(
      JSON.stringify(errors({ llm_providers: [{ name: 'openai', limit: [1, 2], window_size: [60] }] })),
    ).toContain('limit and window_size must have the same number of entries');
    expect(
      errors({ identifier: 'header', llm_providers: [{ name: 'openai', limit: [1], window_size: [60] }] }),
    ).toBeDefined();
    expect(errors({ llm_providers: [{ name: 'nope', limit: [1], window_size: [60] }] })).toBeDefined();
    expect(errors({ llm_providers: [] })).toBeDefined();
  });
});
