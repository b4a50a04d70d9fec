import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamStep } from '@switchyard/plugin-api';
import { FIXTURE_NOW_MS, makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mistralProvider } from './mistral.provider.js';

const request = (overrides: Partial<ProviderRequest> = {}) =>
  makeProviderRequest(
    { provider: 'mistral', name: 'mistral-small-latest', options: { mistral_format: 'openai' } },
    { stream: true, ...overrides },
  );

const envelope = {
  id: 'f3e0d2c1b4a5',
  object: 'chat.completion.chunk',
  created: 1702256327,
  model: 'mistral-small-latest',
};
const chunk = (delta: object, finish_reason: string | null = null, extra: object = {}) =>
  JSON.stringify({ ...envelope, choices: [{ index: 0, delta, finish_reason }], ...extra });
const usage = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };

function run(frames: readonly string[], overrides: Partial<ProviderRequest> = {}): StreamStep[] {
  const translator = routeTranslation(mistralProvider).stream(request(overrides));
  return frames.map((data) => translator.translate({ data }));
}
const choices = (steps: StreamStep[]) =>
  steps
    .flatMap((step) => step.events)
    .map((event) => (event === '[DONE]' ? event : JSON.parse(event as string).choices));

describe('Mistral stream translation', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: FIXTURE_NOW_MS });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens with the assistant role, carries text, and moves the usage off the finish chunk for a client that did not ask', () => {
    const steps = run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Two.' }),
      chunk({ content: '' }, 'stop', { usage }),
      '[DONE]',
    ]);
    expect(choices(steps)).toEqual([
      [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      [{ index: 0, delta: { content: 'Two.' }, logprobs: null, finish_reason: null }],
      [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      '[DONE]',
    ]);
    expect(steps[2]).toMatchObject({ finishReason: 'stop', usage });
    expect(steps[3]).toEqual({ events: ['[DONE]'], final: true });
    expect(JSON.parse(steps[0]!.events[0] as string)).toMatchObject({
      id: 'f3e0d2c1b4a5',
      model: 'mistral-small-latest',
    });
  });

  it("sends OpenAI's usage chunk for a client that asked for it", () => {
    const steps = run([chunk({ content: 'Two.' }, 'stop', { usage })], { clientWantsUsage: true });
    expect(JSON.parse(steps[0]!.events.at(-1) as string)).toMatchObject({ choices: [], usage });
  });

  it('gives whole tool calls the type OpenAI clients need, and says tool_calls', () => {
    const steps = run([
      chunk({ role: 'assistant', content: '' }),
      chunk({
        tool_calls: [
          { id: 'D681PevKs', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' }, index: 0 },
          { id: 'aB3xK9mP2', function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' }, index: 1 },
        ],
      }),
      chunk({ content: '' }, 'tool_calls', { usage }),
      '[DONE]',
    ]);
    expect(choices(steps).slice(1, 4)).toEqual([
      [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 0,
                id: 'D681PevKs',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          logprobs: null,
          finish_reason: null,
        },
      ],
      [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 1,
                id: 'aB3xK9mP2',
                type: 'function',
                function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' },
              },
            ],
          },
          logprobs: null,
          finish_reason: null,
        },
      ],
      [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }],
    ]);
  });

  it('ends the stream with an error event on finish_reason error, never a silent stop', () => {
    const [step] = run([chunk({ content: '' }, 'error')]);
    expect(step).toMatchObject({ error: 'mistral reported a failed generation (finish_reason error)' });
    expect(step!.events.at(-1)).toBe(
      '{"error":{"message":"mistral reported a failed generation (finish_reason error)","type":"upstream_error"}}',
    );
  });

  it('fails on an event that is not JSON', () => {
    expect(() => run(['{"id":'])).toThrow(TranslationError);
  });
});
