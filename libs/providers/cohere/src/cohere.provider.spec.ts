import { TranslationError } from '@switchyard/plugin-api';
import type { ChatCompletion, Completion, ProviderRequest } from '@switchyard/plugin-api';
import { FIXTURE_NOW_MS, makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cohereProvider } from './cohere.provider.js';

const request = (overrides: Partial<ProviderRequest> = {}) =>
  makeProviderRequest({ provider: 'cohere', name: 'command-r', options: {} }, overrides);
const completions = (overrides: Partial<ProviderRequest> = {}) =>
  request({ routeType: 'llm/v1/completions', ...overrides });
const chat = routeTranslation(cohereProvider, 'llm/v1/chat');
const generate = routeTranslation(cohereProvider, 'llm/v1/completions');

describe('cohereProvider', () => {
  it('serves chat and completions (no preserve) as NDJSON with usage in the stream', () => {
    expect(cohereProvider.id).toBe('cohere');
    expect(Object.keys(cohereProvider.routes)).toEqual(['llm/v1/chat', 'llm/v1/completions']);
    expect(cohereProvider.traits).toMatchObject({ streamFraming: 'ndjson', streamReportsUsage: true });
  });

  it("calls Cohere's v1 chat and generate endpoints", () => {
    expect(cohereProvider.upstreamUrl(request()).href).toBe('https://api.cohere.com/v1/chat');
    expect(cohereProvider.upstreamUrl(completions()).href).toBe('https://api.cohere.com/v1/generate');
  });
});

describe('cohere request translation', () => {
  it('sends a single message without chat_history, joining text parts', () => {
    const body = {
      messages: [
        {
          role: 'user' as const,
          content: [
            { type: 'text', text: 'one' },
            { type: 'text', text: 'two' },
          ],
        },
      ],
      stream: true,
    };
    expect(chat.request(body, request({ stream: true })).body).toEqual({
      model: 'command-r',
      stream: true,
      message: 'one\ntwo',
    });
  });

  it('sends a body with tools in the OpenAI format, as Kong does', () => {
    const body = {
      messages: [{ role: 'user' as const, content: 'weather?' }],
      tools: [{ type: 'function' as const, function: { name: 'get_weather' } }],
      top_k: 3,
    };
    expect(chat.request(body, request()).body).toEqual({
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
      model: 'command-r',
      stream: false,
    });
  });

  it('fails a chat body without messages', () => {
    expect(() => chat.request({ messages: [] }, request())).toThrow(
      new TranslationError("request body doesn't contain valid prompts"),
    );
  });
});

describe('cohere response translation', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: FIXTURE_NOW_MS });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fails an answer with neither text nor generations with Kong's message", () => {
    const missing = new TranslationError("'text' or 'generations' missing from cohere response body");
    expect(() => chat.response({ message: 'invalid api token' }, request())).toThrow(missing);
    expect(() => generate.response({ meta: {} }, completions())).toThrow(missing);
    expect(() => chat.response(null, request())).toThrow(missing);
  });

  it('reads a v2 chat answer: text parts, tool calls, finish reason and usage', () => {
    const toolCall = {
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
    };
    const answer = {
      id: 'v2-id',
      finish_reason: 'TOOL_CALL',
      message: { role: 'assistant', tool_plan: 'I will look up the weather.', tool_calls: [toolCall] },
      usage: { billed_units: { input_tokens: 10, output_tokens: 4 } },
    };
    expect(chat.response(answer, request()).body).toEqual({
      id: 'v2-id',
      object: 'chat.completion',
      created: 1700000000,
      model: 'command-r',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'I will look up the weather.', tool_calls: [toolCall] },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
    });
    const plain = {
      id: 'v2-id',
      finish_reason: 'MAX_TOKENS',
      message: { content: [{ type: 'text', text: 'Hi' }] },
    };
    expect((chat.response(plain, request()).body as ChatCompletion).choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'Hi' },
      finish_reason: 'length',
    });
  });

  it('reads a chat answer on a completions route, with no usage when nothing is billed', () => {
    const answer = generate.response(
      { text: '2', generation_id: 'g-1', finish_reason: 'ERROR' },
      completions(),
    );
    expect(answer.body as Completion).toEqual({
      id: 'g-1',
      object: 'text_completion',
      created: 1700000000,
      model: 'command-r',
      choices: [{ index: 0, text: '2', finish_reason: 'error' }],
    });
  });
});

describe('cohere stream translation', () => {
  it('reports the id, the text, and the billed usage with the finish reason at the end', () => {
    const translator = chat.stream(request({ stream: true }));
    expect(
      translator.translate({ data: '{"event_type":"stream-start","generation_id":"g-1"}' }),
    ).toMatchObject({
      id: 'g-1',
      model: 'command-r',
    });
    expect(translator.translate({ data: '{"event_type":"text-generation","text":"Hi"}' }).text).toBe('Hi');
    const end = translator.translate({
      data: '{"event_type":"stream-end","finish_reason":"MAX_TOKENS","response":{"generation_id":"g-1","meta":{"billed_units":{"input_tokens":3,"output_tokens":2}}}}',
    });
    expect(end).toMatchObject({
      id: 'g-1',
      finishReason: 'length',
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
    expect(end.events.at(-1)).toBe('[DONE]');
  });

  it('sends nothing for events it does not translate', () => {
    const translator = chat.stream(request({ stream: true }));
    expect(
      translator.translate({ data: '{"event_type":"citation-generation","citations":[]}' }).events,
    ).toEqual([]);
    expect(translator.translate({ data: '' }).events).toEqual([]);
  });

  it('reads legacy generate lines that carry only text and is_finished', () => {
    const translator = generate.stream(completions({ stream: true }));
    expect(translator.translate({ data: '{"text":" Hi","is_finished":false}' }).text).toBe(' Hi');
    const end = translator.translate({
      data: '{"is_finished":true,"finish_reason":"COMPLETE","response":{"id":"gen-9"}}',
    });
    expect(end).toMatchObject({ id: 'gen-9', finishReason: 'stop' });
    expect(JSON.parse(end.events[0] as string).choices).toEqual([
      { index: 0, text: '', logprobs: null, finish_reason: 'stop' },
    ]);
  });

  it('closes the stream on a generate stream-error', () => {
    const translator = generate.stream(completions({ stream: true }));
    const step = translator.translate({
      data: '{"event_type":"stream-error","is_finished":true,"finish_reason":"ERROR","err":"boom"}',
    });
    expect(step.finishReason).toBe('error');
    expect(step.events.at(-1)).toBe('[DONE]');
  });

  it('fails a line that is not JSON', () => {
    const translator = chat.stream(request({ stream: true }));
    expect(() => translator.translate({ data: '{"event_type":' })).toThrow(TranslationError);
    expect(() => translator.translate({ data: '{"event_type":' })).toThrow(
      /^failed to decode event frame from cohere: /,
    );
  });
});
