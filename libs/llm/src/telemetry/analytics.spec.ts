import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequestAnalytics } from './analytics.js';
import type { AnalyticsSubject } from './analytics.js';

function subject(overrides: Partial<AnalyticsSubject> = {}): AnalyticsSubject {
  return {
    pluginId: 'plugin-1',
    provider: 'openai',
    logStatistics: true,
    logPayloads: false,
    requestModel: 'gpt-3.5-turbo',
    options: { input_cost: 10, output_cost: 10 },
    generates: true,
    promptEstimate: undefined,
    startedAt: 1000,
    ...overrides,
  };
}

const body = Buffer.from('{"messages":[{"role":"user","content":"What is 1 + 1?"}]}');

describe('RequestAnalytics', () => {
  afterEach(() => vi.restoreAllMocks());

  function answeredAfter(ms: number, analytics: RequestAnalytics): void {
    vi.spyOn(performance, 'now').mockReturnValue(1000 + ms);
    analytics.responded();
  }

  it("logs Kong's meta and usage for a buffered answer: cost 0.00037 for 25/12 tokens at 10/10", () => {
    const analytics = new RequestAnalytics(subject());
    answeredAfter(1200, analytics);
    analytics.answered(
      { usage: { prompt_tokens: 25, completion_tokens: 12, total_tokens: 37 }, model: 'gpt-3.5-turbo-0613' },
      () => '{}',
    );
    expect(analytics.entry(body)).toEqual({
      meta: {
        plugin_id: 'plugin-1',
        provider_name: 'openai',
        request_model: 'gpt-3.5-turbo',
        response_model: 'gpt-3.5-turbo-0613',
        llm_latency: 1200,
      },
      usage: {
        prompt_tokens: 25,
        completion_tokens: 12,
        total_tokens: 37,
        time_per_token: 100,
        cost: 0.00037,
      },
    });
  });

  it('costs embeddings their prompt tokens at input_cost alone, and 0 without input_cost', () => {
    const embeddings = new RequestAnalytics(
      subject({ generates: false, options: { input_cost: 0.13 }, promptEstimate: () => 99 }),
    );
    answeredAfter(50, embeddings);
    embeddings.answered({ usage: { prompt_tokens: 8, total_tokens: 8 } }, () => undefined);
    expect(embeddings.entry(body)?.usage).toEqual({
      prompt_tokens: 8,
      completion_tokens: 0,
      total_tokens: 8,
      time_per_token: 0,
      cost: (8 * 0.13) / 1_000_000,
    });
    const free = new RequestAnalytics(subject({ generates: false, options: {}, promptEstimate: () => 4 }));
    answeredAfter(50, free);
    free.answered({}, () => undefined);
    expect(free.entry(body)?.usage).toMatchObject({ prompt_tokens: 4, total_tokens: 4, cost: 0 });
  });

  it('logs a cost of 0 unless both costs are configured, and a time per token of 0 without completion tokens', () => {
    const analytics = new RequestAnalytics(subject({ options: { input_cost: 10 } }));
    answeredAfter(50, analytics);
    analytics.answered({ usage: { prompt_tokens: 5, completion_tokens: 0 } }, () => undefined);
    expect(analytics.entry(body)?.usage).toEqual({
      prompt_tokens: 5,
      completion_tokens: 0,
      total_tokens: 5,
      time_per_token: 0,
      cost: 0,
    });
  });

  it('falls back to the prompt estimate and the request model when the answer has neither usage nor model', () => {
    const analytics = new RequestAnalytics(subject({ promptEstimate: () => 9 }));
    answeredAfter(10, analytics);
    analytics.answered({}, () => undefined);
    const entry = analytics.entry(body);
    expect(entry?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 });
    expect(entry?.meta?.response_model).toBe('gpt-3.5-turbo');
  });

  it("estimates a stream's completion tokens per event from its text when it reports none", () => {
    const analytics = new RequestAnalytics(subject({ promptEstimate: () => 16 }));
    answeredAfter(300, analytics);
    for (const text of ['The', ' answer', ' is', ' 2.']) analytics.streamedStep({ events: ['x'], text });
    analytics.streamedStep({ events: ['[DONE]'] });
    expect(analytics.entry(body)?.usage).toEqual({
      prompt_tokens: 16,
      completion_tokens: 5, // 1 + 2 + 1 + 1
      total_tokens: 21,
      time_per_token: 60,
      cost: 0.00021,
    });
  });

  it('reports what a stream cut short used, whatever is logged: the text sent and the prompt estimate', () => {
    const analytics = new RequestAnalytics(
      subject({ logStatistics: false, promptEstimate: undefined, usageEstimate: () => 9 }),
    );
    for (const text of ['The', ' answer']) analytics.streamedStep({ events: ['x'], text });
    expect(analytics.entry(body)).toBeUndefined();
    expect(analytics.spent()).toEqual({
      provider: 'openai',
      promptTokens: 9,
      completionTokens: 3, // 1 + 2
      cost: 0.00012,
      reported: false,
    });
    analytics.streamedStep({ events: ['u'], usage: { prompt_tokens: 4, completion_tokens: 6 } });
    expect(analytics.spent()).toMatchObject({ promptTokens: 4, completionTokens: 6, reported: true });
  });

  it("takes a stream's own token counts over the estimates, the latest of each", () => {
    const analytics = new RequestAnalytics(subject({ promptEstimate: () => 16 }));
    answeredAfter(100, analytics);
    analytics.streamedStep({
      events: ['x'],
      text: 'Hello there',
      usage: { prompt_tokens: 7 },
      model: 'gpt-4o-2024',
    });
    analytics.streamedStep({ events: ['y'], usage: { completion_tokens: 2 }, finishReason: 'stop' });
    const entry = analytics.entry(body);
    expect(entry?.usage).toMatchObject({
      prompt_tokens: 7,
      completion_tokens: 2,
      total_tokens: 9,
      time_per_token: 50,
    });
    expect(entry?.meta?.response_model).toBe('gpt-4o-2024');
  });

  it("adds the provider's own members to the meta (Azure's instance, deployment and api version)", () => {
    const analytics = new RequestAnalytics(
      subject({
        provider: 'azure',
        providerMeta: {
          azure_instance_id: 'inst',
          azure_deployment_id: 'dep',
          azure_api_version: '2024-10-21',
        },
      }),
    );
    analytics.responded();
    expect(analytics.entry(body)?.meta).toMatchObject({
      provider_name: 'azure',
      azure_instance_id: 'inst',
      azure_deployment_id: 'dep',
      azure_api_version: '2024-10-21',
    });
  });

  it('logs the raw request and the answer as payloads when log_payloads is on', () => {
    const analytics = new RequestAnalytics(subject({ logPayloads: true }));
    analytics.responded();
    analytics.answered({}, () => '{"choices":[]}');
    expect(analytics.entry(body)?.payload).toEqual({ request: body.toString(), response: '{"choices":[]}' });
  });

  it("logs a stream's payload as Kong's composite chat.completion of its text", () => {
    const analytics = new RequestAnalytics(
      subject({ logStatistics: false, logPayloads: true, promptEstimate: () => 4 }),
    );
    analytics.streamedStep({ events: ['x'], text: 'The answer', model: 'gpt-4o-2024' });
    analytics.streamedStep({ events: ['y'], text: ' is 2.', finishReason: 'stop' });
    const entry = analytics.entry(body);
    expect(entry?.meta).toBeUndefined();
    expect(JSON.parse(entry?.payload?.response ?? '')).toEqual({
      choices: [
        {
          finish_reason: 'stop',
          index: 0,
          logprobs: null,
          message: { role: 'assistant', content: 'The answer is 2.' },
        },
      ],
      model: 'gpt-4o-2024',
      object: 'chat.completion',
      response: 'The answer is 2.',
      usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 },
    });
  });

  it('logs nothing when neither statistics nor payloads are on', () => {
    expect(new RequestAnalytics(subject({ logStatistics: false })).entry(body)).toBeUndefined();
  });
});
