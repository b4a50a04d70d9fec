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
  it('serves chat, completions and embeddings (no preserve), streams as NDJSON with usage in the stream', () => {
    expect(cohereProvider.id).toBe('cohere');
    expect(Object.keys(cohereProvider.routes)).toEqual([
      'llm/v1/chat',
      'llm/v1/completions',
      'llm/v1/embeddings',
    ]);
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

  it('sends only the fields Cohere accepts: OpenAI names mapped, the rest dropped, the client body untouched', () => {
    const body = Object.freeze({
      model: 'command-r',
      messages: [{ role: 'user' as const, content: 'Hi' }],
      max_completion_tokens: 100,
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 3,
      seed: 7,
      stop: 'END',
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' } } },
      documents: [{ text: 'Cohere-only fields pass' }],
      stream_options: { include_usage: true },
      user: 'u-1',
      logprobs: true,
      top_logprobs: 2,
      logit_bias: { '1': 2 },
      n: 2,
      parallel_tool_calls: true,
      tool_choice: 'auto',
      store: true,
      seed_for_nothing: null,
      safety_mode: null,
    });
    expect(chat.request(body, request({ stream: true })).body).toEqual({
      model: 'command-r',
      stream: true,
      message: 'Hi',
      max_tokens: 50,
      temperature: 0.2,
      p: 0.9,
      k: 3,
      seed: 7,
      stop_sequences: ['END'],
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      response_format: { type: 'json_object', schema: { type: 'object' } },
      documents: [{ text: 'Cohere-only fields pass' }],
    });
  });

  it("maps OpenAI's tools to Cohere's, and refuses a response_format Cohere has no equivalent for", () => {
    const body = {
      messages: [{ role: 'user' as const, content: 'weather?' }],
      tools: [
        {
          type: 'function' as const,
          function: {
            name: 'get_weather',
            description: 'Weather now.',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            strict: true,
          },
        },
      ],
      response_format: { type: 'json_object' },
    };
    expect(chat.request(body, request()).body).toMatchObject({
      tools: [
        {
          name: 'get_weather',
          description: 'Weather now.',
          parameter_definitions: { city: { type: 'str', required: true } },
        },
      ],
      response_format: { type: 'json_object' },
    });
    expect(() => chat.request({ ...body, response_format: { type: 'xml' } }, request())).toThrow(
      new TranslationError("response_format type 'xml' has no cohere equivalent"),
    );
    expect(() => chat.request({ ...body, tools: { get_weather: {} } }, request())).toThrow(
      new TranslationError('tools must be a list of tools'),
    );
  });

  it('keeps a preamble the client sent when no system message gives one', () => {
    const body = { preamble: 'Be brief.', messages: [{ role: 'user' as const, content: 'Hi' }] };
    expect(chat.request(body, request()).body).toMatchObject({ preamble: 'Be brief.', message: 'Hi' });
    const withSystem = {
      ...body,
      messages: [{ role: 'system' as const, content: 'Be long.' }, ...body.messages],
    };
    expect(chat.request(withSystem, request()).body).toMatchObject({ preamble: 'Be long.', message: 'Hi' });
  });

  it('maps n to num_generations on generate for whole answers only, and drops what generate does not take', () => {
    const body = {
      prompt: 'Say hi',
      n: 2,
      stop: ['.', '!'],
      echo: true,
      logprobs: 1,
      best_of: 3,
      suffix: 'x',
      user: 'u-1',
      stream_options: { include_usage: true },
      truncate: 'END',
    };
    expect(generate.request(body, completions()).body).toEqual({
      model: 'command-r',
      stream: false,
      prompt: 'Say hi',
      num_generations: 2,
      stop_sequences: ['.', '!'],
      truncate: 'END',
    });
    expect(generate.request(body, completions({ stream: true })).body).not.toHaveProperty('num_generations');
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
      { text: '2', generation_id: 'g-1', finish_reason: 'ERROR_LIMIT' },
      completions(),
    );
    expect(answer.body as Completion).toEqual({
      id: 'g-1',
      object: 'text_completion',
      created: 1700000000,
      model: 'command-r',
      choices: [{ index: 0, text: '2', finish_reason: 'length' }],
    });
  });

  it('reads v1 tool calls: ids derived from the generation id, JSON-text arguments, finish reason tool_calls', () => {
    const answer = {
      text: '',
      generation_id: 'g-7',
      tool_calls: [
        { name: 'get_weather', parameters: { city: 'Oslo' } },
        { name: 'get_time', parameters: {} },
      ],
      finish_reason: 'COMPLETE',
      meta: { billed_units: { input_tokens: 20, output_tokens: 9 } },
    };
    const translated = chat.response(answer, request());
    expect((translated.body as ChatCompletion).choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_g-7_0',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            { id: 'call_g-7_1', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        finish_reason: 'tool_calls',
      },
    ]);
    expect(translated.finishReasons).toEqual(['tool_calls']);
    const noCalls = chat.response({ ...answer, text: 'No tool needed.', tool_calls: [] }, request());
    expect((noCalls.body as ChatCompletion).choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'No tool needed.' },
      finish_reason: 'stop',
    });
  });

  it('maps every Cohere finish reason to an OpenAI one, and fails an answer whose generation failed', () => {
    const finish = (reason: string) =>
      (chat.response({ text: 'x', finish_reason: reason }, request()).body as ChatCompletion).choices[0]!
        .finish_reason;
    expect(
      [
        'COMPLETE',
        'STOP_SEQUENCE',
        'MAX_TOKENS',
        'ERROR_LIMIT',
        'TOOL_CALL',
        'ERROR_TOXIC',
        'SOMETHING_NEW',
      ].map(finish),
    ).toEqual(['stop', 'stop', 'length', 'length', 'tool_calls', 'content_filter', 'stop']);
    for (const [reason, why] of [
      ['ERROR', 'something went wrong when generating the reply'],
      ['USER_CANCEL', 'the generation was cancelled'],
      ['TIMEOUT', 'the generation timed out'],
    ]) {
      expect(() => finish(reason!)).toThrow(
        new TranslationError(`cohere reported a failed generation (finish_reason ${reason}): ${why}`),
      );
    }
    const failedGeneration = { generations: [{ text: 'x', finish_reason: 'ERROR' }] };
    expect(() => generate.response(failedGeneration, completions())).toThrow(TranslationError);
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

  it('ends the stream with an error event, not [DONE], on a generate stream-error', () => {
    const translator = generate.stream(completions({ stream: true }));
    const step = translator.translate({
      data: '{"event_type":"stream-error","is_finished":true,"finish_reason":"ERROR","err":"boom"}',
    });
    const message =
      'cohere reported a failed generation (finish_reason ERROR): something went wrong when generating the reply (boom)';
    expect(step).toMatchObject({ error: message, final: true });
    expect(step.finishReason).toBeUndefined();
    expect(step.events.map((event) => JSON.parse(event as string))).toEqual([
      { error: { message, type: 'upstream_error' } },
    ]);
  });

  it('ends a chat stream whose generation failed with an error event, usage still reported', () => {
    const translator = chat.stream(request({ stream: true }));
    translator.translate({ data: '{"event_type":"stream-start","generation_id":"g-1"}' });
    const step = translator.translate({
      data: '{"event_type":"stream-end","finish_reason":"USER_CANCEL","response":{"meta":{"billed_units":{"input_tokens":3,"output_tokens":1}}}}',
    });
    expect(step).toMatchObject({
      error: 'cohere reported a failed generation (finish_reason USER_CANCEL): the generation was cancelled',
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      final: true,
    });
    expect(step.events).toHaveLength(1);
    expect(JSON.parse(step.events[0] as string)).toHaveProperty('error.type', 'upstream_error');
  });

  it('sends the usage chunk only to a client that asked for it', () => {
    const end =
      '{"event_type":"stream-end","finish_reason":"COMPLETE","response":{"meta":{"billed_units":{"input_tokens":3,"output_tokens":2}}}}';
    const asked = chat.stream(request({ stream: true, clientWantsUsage: true })).translate({ data: end });
    expect(
      asked.events.map((event) => (event === '[DONE]' ? event : JSON.parse(event as string).choices)),
    ).toEqual([[{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], [], '[DONE]']);
    const notAsked = chat.stream(request({ stream: true })).translate({ data: end });
    expect(notAsked.events).toHaveLength(2);
    expect(notAsked.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('streams the tool plan as text and tool-calls-chunk deltas as OpenAI tool_calls deltas, calls interleaved', () => {
    const translator = chat.stream(request({ stream: true }));
    const deltas = (...lines: object[]) =>
      lines.flatMap((line) =>
        translator
          .translate({ data: JSON.stringify(line) })
          .events.map((event) => (event === '[DONE]' ? event : JSON.parse(event as string).choices[0])),
      );
    const chunk = (delta: object) => ({ event_type: 'tool-calls-chunk', tool_call_delta: delta });
    expect(
      deltas(
        { event_type: 'stream-start', generation_id: 'g-2' },
        { event_type: 'tool-calls-chunk', text: 'I will check.' },
        chunk({ index: 0, name: 'get_weather' }),
        chunk({ index: 1, name: 'get_time' }),
        chunk({ index: 0, parameters: '{"city":' }),
        chunk({ index: 1, parameters: '{}' }),
        chunk({ index: 0, parameters: '"Oslo"}' }),
        {
          event_type: 'tool-calls-generation',
          text: 'I will check.',
          tool_calls: [
            { name: 'get_weather', parameters: { city: 'Oslo' } },
            { name: 'get_time', parameters: {} },
          ],
        },
        { event_type: 'stream-end', finish_reason: 'COMPLETE', response: {} },
      ),
    ).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'I will check.' }, logprobs: null, finish_reason: null },
      {
        index: 0,
        delta: {
          tool_calls: [
            {
              index: 0,
              id: 'call_g-2_0',
              type: 'function',
              function: { name: 'get_weather', arguments: '' },
            },
          ],
        },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: {
          tool_calls: [
            { index: 1, id: 'call_g-2_1', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] },
        logprobs: null,
        finish_reason: null,
      },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
      '[DONE]',
    ]);
  });

  it('sends whole the calls a stream gives only in tool-calls-generation', () => {
    const translator = chat.stream(request({ stream: true }));
    translator.translate({ data: '{"event_type":"stream-start","generation_id":"g-3"}' });
    const step = translator.translate({
      data: '{"event_type":"tool-calls-generation","tool_calls":[{"name":"get_time","parameters":{"zone":"UTC"}}]}',
    });
    expect(JSON.parse(step.events[0] as string).choices[0].delta).toEqual({
      tool_calls: [
        {
          index: 0,
          id: 'call_g-3_0',
          type: 'function',
          function: { name: 'get_time', arguments: '{"zone":"UTC"}' },
        },
      ],
    });
    const end = translator.translate({
      data: '{"event_type":"stream-end","finish_reason":"COMPLETE","response":{}}',
    });
    expect(end.finishReason).toBe('tool_calls');
  });

  it('fails a line that is not JSON', () => {
    const translator = chat.stream(request({ stream: true }));
    expect(() => translator.translate({ data: '{"event_type":' })).toThrow(TranslationError);
    expect(() => translator.translate({ data: '{"event_type":' })).toThrow(
      /^failed to decode event frame from cohere: /,
    );
  });
});
