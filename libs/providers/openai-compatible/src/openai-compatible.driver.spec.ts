import { TranslationError } from '@switchyard/plugin-api';
import type { ChatCompletionRequest, ProviderRequest, ResolvedModel } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { createOpenAiCompatibleDriver } from './openai-compatible.driver.js';

const model: ResolvedModel = { provider: 'openai', name: 'gpt-4o-mini', options: {} };
const driver = createOpenAiCompatibleDriver({
  id: 'openai',
  upstreamUrl: () => new URL('http://upstream.test/'),
});
const request = (overrides: Partial<ProviderRequest> = {}) => makeProviderRequest(model, overrides);

const chatBody = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('createOpenAiCompatibleDriver', () => {
  it('serves chat and completions over SSE, with no stream usage unless asked', () => {
    expect(driver.routeTypes).toEqual(['llm/v1/chat', 'llm/v1/completions']);
    expect(driver.streamFraming).toBe('sse');
    expect(driver.streamReportsUsage).toBe(false);
  });

  it('serves only the route types it is given', () => {
    const chatOnly = createOpenAiCompatibleDriver({
      id: 'mistral',
      upstreamUrl: () => new URL('http://x.test/'),
      routeTypes: ['llm/v1/chat'],
    });
    expect(chatOnly.routeTypes).toEqual(['llm/v1/chat']);
  });
});

describe('OpenAI request translation', () => {
  it('sets the resolved model, an explicit stream flag and drops top_k, keeping every other field', () => {
    const body = chatBody({
      model: 'client-model',
      top_k: 5,
      seed: 7,
      response_format: { type: 'json_object' },
    });
    expect(driver.translateRequest(body, request()).body).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
      model: 'gpt-4o-mini',
      stream: false,
      seed: 7,
      response_format: { type: 'json_object' },
    });
    expect(body.top_k).toBe(5);
  });

  it('asks for stream usage when the stream is logged', () => {
    const upstream = driver.translateRequest(
      chatBody({ stream: true }),
      request({ stream: true, wantsUsage: true }),
    ).body;
    expect(upstream).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("keeps the client's own include_usage choice", () => {
    const body = chatBody({ stream: true, stream_options: { include_usage: false } });
    const upstream = driver.translateRequest(body, request({ stream: true, wantsUsage: true })).body;
    expect(upstream).toMatchObject({ stream_options: { include_usage: false } });
  });

  it('does not ask for stream usage when not streaming or not logging', () => {
    expect(driver.translateRequest(chatBody(), request({ wantsUsage: true })).body).not.toHaveProperty(
      'stream_options',
    );
    expect(
      driver.translateRequest(chatBody({ stream: true }), request({ stream: true })).body,
    ).not.toHaveProperty('stream_options');
  });
});

describe('OpenAI response translation', () => {
  it('passes an answer with choices through as the same object', () => {
    const answer = { id: 'chatcmpl-1', object: 'chat.completion', choices: [] };
    expect(driver.translateResponse(answer, request())).toBe(answer);
  });

  it("fails with Kong's message when choices are missing", () => {
    expect(() => driver.translateResponse({ error: 'nope' }, request())).toThrow(
      new TranslationError("'choices' not in llm/v1/chat response"),
    );
    expect(() => driver.translateResponse('text', request({ routeType: 'llm/v1/completions' }))).toThrow(
      new TranslationError("'choices' not in llm/v1/completions response"),
    );
  });
});

describe('OpenAI stream translation', () => {
  it('sends each event unchanged and reports what the chat chunk carries', () => {
    const data =
      '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}';
    const step = driver.createStreamTranslator(request({ stream: true })).translate({ data });
    expect(step.events[0]).toBe(data);
    expect(step).toEqual({ events: [data], id: 'chatcmpl-1', model: 'gpt-4o-mini-2024-07-18', text: 'Hel' });
  });

  it('reports the finish reason, and usage only when the chunk carries one', () => {
    const translator = driver.createStreamTranslator(request({ stream: true }));
    const finish = translator.translate({
      data: '{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}',
    });
    expect(finish).toMatchObject({ finishReason: 'stop' });
    expect(finish).not.toHaveProperty('usage');
    const usage = translator.translate({
      data: '{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5,"prompt_tokens_details":{}}}',
    });
    expect(usage.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it("does not report the empty id and model of Azure's content-filter chunk", () => {
    const data = '{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}';
    expect(driver.createStreamTranslator(request({ stream: true })).translate({ data })).toEqual({
      events: [data],
    });
  });

  it('reads completions text from choices[0].text', () => {
    const translator = driver.createStreamTranslator(
      request({ routeType: 'llm/v1/completions', stream: true }),
    );
    expect(translator.translate({ data: '{"choices":[{"index":0,"text":"abc"}]}' }).text).toBe('abc');
  });

  it('passes [DONE] as the terminator, drops empty frames and passes data that is not JSON', () => {
    const translator = driver.createStreamTranslator(request({ stream: true }));
    expect(translator.translate({ data: '[DONE]' })).toEqual({ events: ['[DONE]'] });
    expect(translator.translate({ data: '' })).toEqual({ events: [] });
    expect(translator.translate({ data: 'not json' })).toEqual({ events: ['not json'] });
  });
});
