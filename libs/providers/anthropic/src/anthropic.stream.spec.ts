import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamStep } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { anthropicProvider } from './anthropic.provider.js';

const request = (overrides: Partial<ProviderRequest> = {}) =>
  makeProviderRequest(
    { provider: 'anthropic', name: 'claude-haiku-4-5', options: { anthropic_version: '2023-06-01' } },
    { stream: true, ...overrides },
  );
const chat = routeTranslation(anthropicProvider, 'llm/v1/chat');

const frame = (data: Record<string, unknown>) => ({ event: String(data.type), data: JSON.stringify(data) });
const chunks = (step: StreamStep) => step.events.map((event) => JSON.parse(event as string));

const START = frame({
  type: 'message_start',
  message: {
    id: 'msg_1',
    model: 'claude-haiku-4-5-20251001',
    usage: {
      input_tokens: 10,
      cache_read_input_tokens: 30,
      cache_creation_input_tokens: 5,
      output_tokens: 1,
    },
  },
});

describe('anthropic stream translation', () => {
  it('opens with the id and the prompt tokens, cache reads and writes included', () => {
    const step = chat.stream(request()).translate(START);
    expect(step).toMatchObject({
      id: 'msg_1',
      model: 'claude-haiku-4-5-20251001',
      usage: { prompt_tokens: 45 },
    });
    expect(chunks(step)[0]).toMatchObject({
      id: 'msg_1',
      choices: [{ delta: { role: 'assistant', content: '' } }],
    });
  });

  it('numbers tool calls 0, 1, ... whatever the block index, and sends their arguments at that index', () => {
    const translator = chat.stream(request());
    translator.translate(START);
    translator.translate(
      frame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    );
    const opened = translator.translate(
      frame({
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_a', name: 'f', input: {} },
      }),
    );
    expect(chunks(opened)[0].choices[0].delta).toEqual({
      tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'f', arguments: '' } }],
    });
    expect(
      translator.translate(
        frame({
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '' },
        }),
      ).events,
    ).toEqual([]);
    const piece = translator.translate(
      frame({
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"a":' },
      }),
    );
    expect(chunks(piece)[0].choices[0].delta).toEqual({
      tool_calls: [{ index: 0, function: { arguments: '{"a":' } }],
    });
    translator.translate(
      frame({
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_b', name: 'g', input: {} },
      }),
    );
    const second = translator.translate(
      frame({
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{}' },
      }),
    );
    expect(chunks(second)[0].choices[0].delta.tool_calls[0].index).toBe(1);
  });

  it('closes with the finish reason and usage, the usage chunk only for a client that asked', () => {
    const delta = frame({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use' },
      usage: { output_tokens: 7 },
    });
    const expectedUsage = {
      prompt_tokens: 45,
      completion_tokens: 7,
      total_tokens: 52,
      prompt_tokens_details: { cached_tokens: 30 },
    };
    const quiet = chat.stream(request());
    quiet.translate(START);
    const closed = quiet.translate(delta);
    expect(closed).toMatchObject({ finishReason: 'tool_calls', usage: expectedUsage });
    expect(chunks(closed).map((chunk) => chunk.choices)).toEqual([
      [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }],
    ]);
    const asking = chat.stream(request({ clientWantsUsage: true }));
    asking.translate(START);
    expect(chunks(asking.translate(delta))[1]).toMatchObject({ choices: [], usage: expectedUsage });
  });

  it('ends with [DONE] at message_stop and drops ping and content_block_stop', () => {
    const translator = chat.stream(request());
    expect(translator.translate(frame({ type: 'ping' })).events).toEqual([]);
    expect(translator.translate(frame({ type: 'content_block_stop', index: 0 })).events).toEqual([]);
    expect(translator.translate(frame({ type: 'message_stop' }))).toEqual({
      events: ['[DONE]'],
      final: true,
    });
  });

  it("turns an error event into OpenAI's error event and marks the step failed", () => {
    const step = chat
      .stream(request())
      .translate(frame({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    expect(step).toEqual({
      events: ['{"error":{"message":"Overloaded","type":"overloaded_error"}}'],
      error: 'Overloaded',
    });
  });

  it('fails a frame that is not JSON', () => {
    expect(() => chat.stream(request()).translate({ event: 'message_start', data: '{"type":' })).toThrow(
      TranslationError,
    );
  });

  it('reads Text Completions events, ending the answer at the one with a stop_reason', () => {
    const translator = routeTranslation(anthropicProvider, 'llm/v1/completions').stream(
      request({ routeType: 'llm/v1/completions' }),
    );
    const event = (completion: string, stop_reason: string | null) =>
      frame({ type: 'completion', id: 'compl_1', completion, stop_reason, model: 'claude-2.1' });
    const first = translator.translate(event(' Two', null));
    expect(first).toMatchObject({ id: 'compl_1', text: ' Two' });
    expect(chunks(first)[0]).toMatchObject({ object: 'text_completion', choices: [{ text: ' Two' }] });
    const last = translator.translate(event('', 'max_tokens'));
    expect(last).toMatchObject({ finishReason: 'length', final: true });
    expect(last.events.at(-1)).toBe('[DONE]');
  });
});
