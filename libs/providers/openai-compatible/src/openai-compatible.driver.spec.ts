import { TranslationError } from '@switchyard/plugin-api';
import type { ChatCompletionRequest, ProviderRequest, ResolvedModel } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { createOpenAiCompatibleDriver } from './openai-compatible.driver.js';

const model: ResolvedModel = { provider: 'openai', name: 'gpt-4o-mini', options: {} };
const driver = createOpenAiCompatibleDriver({
  id: 'openai',
  telemetryName: 'openai',
  upstreamUrl: () => new URL('http://upstream.test/'),
});
const chat = routeTranslation(driver, 'llm/v1/chat');
const request = (overrides: Partial<ProviderRequest> = {}) => makeProviderRequest(model, overrides);

const chatBody = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('createOpenAiCompatibleDriver', () => {
  it('serves chat, completions, embeddings and the Responses API, streams over SSE with no chat stream usage unless asked', () => {
    expect(Object.keys(driver.routes)).toEqual([
      'llm/v1/chat',
      'llm/v1/completions',
      'llm/v1/embeddings',
      'llm/v1/responses',
    ]);
    expect(driver.traits).toEqual({
      streamFraming: 'sse',
      streamReportsUsage: false,
      dropsSetCookie: true,
      acceptEncoding: 'gzip, identity',
    });
  });

  it('serves only the route types it is given', () => {
    const chatOnly = createOpenAiCompatibleDriver({
      id: 'mistral',
      telemetryName: 'mistral_ai',
      upstreamUrl: () => new URL('http://x.test/'),
      routeTypes: ['llm/v1/chat'],
    });
    expect(Object.keys(chatOnly.routes)).toEqual(['llm/v1/chat']);
  });
});

describe('the Responses API passed through', () => {
  it("places the configured tuning options under the Responses API's names over the client's, and sends no top_k", () => {
    const responses = routeTranslation(driver, 'llm/v1/responses');
    const configured = makeProviderRequest(
      { ...model, options: { max_tokens: 64, temperature: 0.5, top_k: 3 } },
      { routeType: 'llm/v1/responses', stream: true },
    );
    const client = {
      model: 'other',
      input: 'hi',
      max_output_tokens: 999,
      temperature: 1,
      top_p: 0.9,
      top_k: 5,
    };
    expect(responses.request(client, configured).body).toEqual({
      model: 'gpt-4o-mini',
      input: 'hi',
      max_output_tokens: 64,
      temperature: 0.5,
      top_p: 0.9,
      stream: true,
    });
    // The client's body is unchanged, so that another attempt translates it again.
    expect(client).toMatchObject({ max_output_tokens: 999, temperature: 1, top_k: 5 });
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
    expect(chat.request(body, request()).body).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
      model: 'gpt-4o-mini',
      stream: false,
      seed: 7,
      response_format: { type: 'json_object' },
    });
    expect(body.top_k).toBe(5);
  });

  it('asks for stream usage when the stream is logged', () => {
    const upstream = chat.request(
      chatBody({ stream: true }),
      request({ stream: true, wantsUsage: true }),
    ).body;
    expect(upstream).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("keeps the client's own include_usage choice", () => {
    const body = chatBody({ stream: true, stream_options: { include_usage: false } });
    const upstream = chat.request(body, request({ stream: true, wantsUsage: true })).body;
    expect(upstream).toMatchObject({ stream_options: { include_usage: false } });
  });

  it('does not ask for stream usage when not streaming or not logging', () => {
    expect(chat.request(chatBody(), request({ wantsUsage: true })).body).not.toHaveProperty('stream_options');
    expect(chat.request(chatBody({ stream: true }), request({ stream: true })).body).not.toHaveProperty(
      'stream_options',
    );
  });
});

describe('OpenAI response translation', () => {
  it('passes an answer with choices through as the same object, reading what the gateway needs', () => {
    const answer = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 3,
        completion_tokens: 1,
        total_tokens: 4,
        prompt_tokens_details: { cached_tokens: 2 },
      },
    };
    const translated = chat.response(answer, request());
    expect(translated.body).toBe(answer);
    expect(translated).toMatchObject({
      id: 'chatcmpl-1',
      model: 'gpt-4o-mini-2024-07-18',
      finishReasons: ['stop'],
      usage: answer.usage,
    });
  });

  it("fails with Kong's message when choices are missing", () => {
    expect(() => chat.response({ error: 'nope' }, request())).toThrow(
      new TranslationError("'choices' not in llm/v1/chat response"),
    );
    expect(() => chat.response('text', request({ routeType: 'llm/v1/completions' }))).toThrow(
      new TranslationError("'choices' not in llm/v1/completions response"),
    );
  });
});

describe('OpenAI stream translation', () => {
  it('sends each event unchanged and reports what the chat chunk carries', () => {
    const data =
      '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}';
    const step = chat.stream(request({ stream: true })).translate({ data });
    expect(step.events[0]).toBe(data);
    expect(step).toEqual({ events: [data], id: 'chatcmpl-1', model: 'gpt-4o-mini-2024-07-18', text: 'Hel' });
  });

  it('reports the finish reason, and usage only when the chunk carries one', () => {
    const translator = chat.stream(request({ stream: true }));
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

  it('keeps the usage chunk the gateway asked for from a client that did not ask, and not the others', () => {
    const usageChunk = '{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}';
    const notAsked = chat.stream(request({ stream: true })).translate({ data: usageChunk });
    expect(notAsked.events).toEqual([]);
    expect(notAsked.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    const asked = chat
      .stream(request({ stream: true, clientWantsUsage: true }))
      .translate({ data: usageChunk });
    expect(asked.events).toEqual([usageChunk]);
  });

  it("does not report the empty id and model of Azure's content-filter chunk", () => {
    const data = '{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}';
    expect(chat.stream(request({ stream: true })).translate({ data })).toEqual({
      events: [data],
    });
  });

  it('reads completions text from choices[0].text', () => {
    const translator = routeTranslation(driver, 'llm/v1/completions').stream(
      request({ routeType: 'llm/v1/completions', stream: true }),
    );
    expect(translator.translate({ data: '{"choices":[{"index":0,"text":"abc"}]}' }).text).toBe('abc');
  });

  it("passes an OpenAI error chunk through and reports it as the provider's failure", () => {
    const data =
      '{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}';
    expect(chat.stream(request({ stream: true })).translate({ data })).toEqual({
      events: [data],
      error: 'The server had an error',
    });
  });

  it('passes [DONE] as the terminator, drops empty frames and passes data that is not JSON', () => {
    const translator = chat.stream(request({ stream: true }));
    expect(translator.translate({ data: '[DONE]' })).toEqual({ events: ['[DONE]'], final: true });
    expect(translator.translate({ data: '' })).toEqual({ events: [] });
    expect(translator.translate({ data: 'not json' })).toEqual({ events: ['not json'] });
  });
});
