import { TranslationError } from '@switchyard/plugin-api';
import type { CompletionRouteType, ProviderRequest, StreamTranslator } from '@switchyard/plugin-api';
import { FIXTURE_NOW_MS, makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { huggingfaceProvider } from './huggingface.provider.js';

const MODEL = 'mistralai/Mistral-7B-Instruct-v0.2';

function translator(
  routeType: CompletionRouteType,
  overrides: Partial<ProviderRequest> = {},
): StreamTranslator {
  const request = makeProviderRequest(
    { provider: 'huggingface', name: MODEL, options: {} },
    { routeType, stream: true, ...overrides },
  );
  return routeTranslation(huggingfaceProvider, routeType).stream(request);
}

const parsed = (event: unknown) => (event === '[DONE]' ? event : JSON.parse(event as string));

describe('huggingface chat stream', () => {
  it('passes OpenAI chunks through unchanged and reports their text, usage and finish reason', () => {
    const stream = translator('llm/v1/chat', { wantsUsage: true });
    const text = `{"id":"","object":"chat.completion.chunk","created":1,"model":"${MODEL}","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":null}`;
    expect(stream.translate({ data: text })).toEqual({ events: [text], text: 'Hi', model: MODEL });
    const finish = `{"id":"","object":"chat.completion.chunk","created":1,"model":"${MODEL}","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}`;
    expect(stream.translate({ data: finish })).toMatchObject({
      events: [finish],
      finishReason: 'stop',
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
    });
    expect(stream.translate({ data: '[DONE]' })).toEqual({ events: ['[DONE]'], final: true });
    expect(stream.end!()).toEqual({ events: [] });
  });

  it("gives a chunk with TGI's finish reason OpenAI's, and closes a stream that ends without [DONE]", () => {
    const stream = translator('llm/v1/chat');
    const step = stream.translate({
      data: '{"id":"","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":"eos_token"}]}',
    });
    expect(step.finishReason).toBe('stop');
    expect(parsed(step.events[0]).choices[0].finish_reason).toBe('stop');
    expect(stream.end!()).toEqual({ events: ['[DONE]'], final: true });
  });

  it('finishes a stream that called tools with tool_calls, whatever TGI says', () => {
    const stream = translator('llm/v1/chat');
    const call = stream.translate({
      data: '{"id":"","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"0","type":"function","function":{"name":"get_weather","arguments":"{"}}]},"finish_reason":null}]}',
    });
    expect(call.finishReason).toBeUndefined();
    const finish = stream.translate({
      data: '{"id":"","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}',
    });
    expect(finish.finishReason).toBe('tool_calls');
    expect(parsed(finish.events[0]).choices[0].finish_reason).toBe('tool_calls');
    const plain = translator('llm/v1/chat');
    const data = '{"id":"","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}';
    expect(plain.translate({ data })).toEqual({ events: [data], finishReason: 'stop' });
  });

  it("passes a router provider's OpenAI-style error event on as one that ends the stream as failed", () => {
    const step = translator('llm/v1/chat').translate({
      data: '{"error":{"message":"Provider overloaded","type":"overloaded_error","code":529}}',
    });
    expect(step).toEqual({
      events: ['{"error":{"message":"Provider overloaded","type":"overloaded_error"}}'],
      error: 'Provider overloaded',
    });
  });

  it("turns TGI's error event into OpenAI's, which ends the stream as failed", () => {
    const step = translator('llm/v1/chat').translate({
      data: '{"error":"Request failed during generation: Server error: CUDA out of memory","error_type":"generation"}',
    });
    expect(step).toEqual({
      events: [
        '{"error":{"message":"Request failed during generation: Server error: CUDA out of memory","type":"generation"}}',
      ],
      error: 'Request failed during generation: Server error: CUDA out of memory',
    });
  });
});

describe('huggingface text-generation stream', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: FIXTURE_NOW_MS });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const token = (text: string, special = false, last?: object) =>
    JSON.stringify({
      index: 1,
      token: { id: 1, text, logprob: -0.1, special },
      generated_text: last ? ' Hi there' : null,
      details: last ?? null,
    });

  it('sends each token as a text_completion chunk, and ends with the finish chunk, the usage the details give, and [DONE]', () => {
    const stream = translator('llm/v1/completions', { clientWantsUsage: true });
    const first = stream.translate({ data: token(' Hi') });
    expect(first.text).toBe(' Hi');
    expect(parsed(first.events[0])).toEqual({
      id: '',
      object: 'text_completion',
      created: 1700000000,
      model: MODEL,
      choices: [{ index: 0, text: ' Hi', logprobs: null, finish_reason: null }],
    });
    const last = stream.translate({
      data: token('</s>', true, {
        finish_reason: 'eos_token',
        generated_tokens: 3,
        seed: null,
        input_length: 4,
      }),
    });
    expect(last).toMatchObject({
      finishReason: 'stop',
      usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
      final: true,
    });
    expect(last).not.toHaveProperty('text');
    expect(last.events.map(parsed)).toEqual([
      {
        id: '',
        object: 'text_completion',
        created: 1700000000,
        model: MODEL,
        choices: [{ index: 0, text: '', logprobs: null, finish_reason: 'stop' }],
      },
      {
        id: '',
        object: 'text_completion',
        created: 1700000000,
        model: MODEL,
        choices: [],
        usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
      },
      '[DONE]',
    ]);
    expect(stream.translate({ data: '[DONE]' })).toEqual({ events: [] });
  });

  it('reports what the details give, and stop without them', () => {
    const partial = translator('llm/v1/completions').translate({
      data: token(' there', false, { finish_reason: 'length', generated_tokens: 2 }),
    });
    expect(partial).toMatchObject({
      text: ' there',
      finishReason: 'length',
      usage: { completion_tokens: 2 },
    });
    expect(partial.events).toHaveLength(3);
    const bare = translator('llm/v1/completions').translate({
      data: '{"token":{"text":"!","special":false},"generated_text":"!","details":null}',
    });
    expect(bare).toMatchObject({ finishReason: 'stop', final: true });
    expect(bare).not.toHaveProperty('usage');
  });

  it("turns an error event into OpenAI's, and refuses an event that is not JSON", () => {
    const stream = translator('llm/v1/completions');
    expect(
      stream.translate({ data: '{"error":"Input validation error","error_type":"validation"}' }),
    ).toMatchObject({
      error: 'Input validation error',
    });
    expect(() => stream.translate({ data: 'not json' })).toThrow(TranslationError);
  });
});
