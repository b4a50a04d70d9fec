import { TranslationError } from '@switchyard/plugin-api';
import type { ChatCompletionRouteType, ProviderRequest, StreamStep } from '@switchyard/plugin-api';
import { FIXTURE_NOW_MS, makeProviderRequest } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OLLAMA_TRANSLATIONS } from './ollama.translations.js';

const request = (overrides: Partial<ProviderRequest> = {}) =>
  makeProviderRequest(
    { provider: 'llama2', name: 'llama3.2', options: { llama2_format: 'ollama' } },
    { stream: true, ...overrides },
  );

function run(
  lines: readonly object[],
  overrides: Partial<ProviderRequest> & { routeType?: ChatCompletionRouteType } = {},
): StreamStep[] {
  const routeType = overrides.routeType ?? 'llm/v1/chat';
  const translator = OLLAMA_TRANSLATIONS[routeType].stream(request(overrides));
  return lines.map((line) => translator.translate({ data: JSON.stringify(line) }));
}

const events = (steps: StreamStep[]) =>
  steps
    .flatMap((step) => step.events)
    .map((event) => (event === '[DONE]' ? event : JSON.parse(event as string)));
const at = '2024-07-22T20:33:28.123648Z';
const done = {
  model: 'llama3.2',
  created_at: at,
  message: { role: 'assistant', content: '' },
  done: true,
  done_reason: 'stop',
  prompt_eval_count: 9,
  eval_count: 2,
};

describe('Ollama stream translation', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: FIXTURE_NOW_MS });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads NDJSON frames and turns the lines into chunks, the done line into the finish chunk and [DONE]', () => {
    const translator = OLLAMA_TRANSLATIONS['llm/v1/chat'].stream(request());
    expect(translator.framing).toBe('ndjson');
    const steps = run([
      { model: 'llama3.2', created_at: at, message: { role: 'assistant', content: 'Two' }, done: false },
      { model: 'llama3.2', created_at: at, message: { role: 'assistant', content: '.' }, done: false },
      done,
    ]);
    expect(events(steps).map((chunk) => (chunk === '[DONE]' ? chunk : chunk.choices[0]))).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'Two' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: '.' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
      '[DONE]',
    ]);
    expect(events(steps)[0]).toMatchObject({
      id: 'chatcmpl-20240722203328123648',
      object: 'chat.completion.chunk',
      model: 'llama3.2',
    });
    expect(steps.at(-1)).toMatchObject({
      final: true,
      finishReason: 'stop',
      usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
    });
    expect(steps.map((step) => step.text)).toEqual(['Two', '.', undefined]);
  });

  it("adds OpenAI's usage chunk for a client that asked for it", () => {
    const steps = run([done], { clientWantsUsage: true });
    expect(events(steps).at(-2)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
    });
  });

  it('sends each tool call whole, numbered across lines, and finishes with tool_calls', () => {
    const call = (name: string, args: object) => ({ function: { name, arguments: args } });
    const steps = run([
      {
        model: 'llama3.2',
        created_at: at,
        message: { role: 'assistant', content: '', tool_calls: [call('get_weather', { city: 'Oslo' })] },
        done: false,
      },
      {
        model: 'llama3.2',
        created_at: at,
        message: { role: 'assistant', content: '', tool_calls: [call('get_time', { zone: 'Europe/Oslo' })] },
        done: false,
      },
      done,
    ]);
    const deltas = events(steps).flatMap((chunk) => (chunk === '[DONE]' ? [] : [chunk.choices[0]]));
    expect(deltas.flatMap((choice) => choice.delta.tool_calls ?? [])).toEqual([
      {
        index: 0,
        id: 'call_20240722203328123648_0',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      },
      {
        index: 1,
        id: 'call_20240722203328123648_1',
        type: 'function',
        function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' },
      },
    ]);
    expect(deltas.at(-1).finish_reason).toBe('tool_calls');
  });

  it('reads generate streams from response, as text_completion chunks', () => {
    const steps = run(
      [
        { model: 'llama3.2', created_at: at, response: 'return', done: false },
        { model: 'llama3.2', created_at: at, response: '', done: true, done_reason: 'length', eval_count: 1 },
      ],
      { routeType: 'llm/v1/completions' },
    );
    expect(
      events(steps).map((chunk) =>
        chunk === '[DONE]' ? chunk : [chunk.object, chunk.choices[0].text, chunk.choices[0].finish_reason],
      ),
    ).toEqual([['text_completion', 'return', null], ['text_completion', '', 'length'], '[DONE]']);
  });

  it('ends the stream with an OpenAI-style error event on an error line', () => {
    const [step] = run([{ error: 'model runner has unexpectedly stopped' }]);
    expect(step).toEqual({
      events: [
        '{"error":{"message":"ollama reported an error: model runner has unexpectedly stopped","type":"upstream_error"}}',
      ],
      error: 'ollama reported an error: model runner has unexpectedly stopped',
    });
  });

  it("fails with Kong's message on a line that is not JSON", () => {
    const translator = OLLAMA_TRANSLATIONS['llm/v1/chat'].stream(request());
    expect(() => translator.translate({ data: '{"model":' })).toThrow(
      new TranslationError('failed to decode ollama response'),
    );
  });
});
