import { TranslationError } from '@switchyard/plugin-api';
import type { StreamFrame } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bedrockProvider } from './bedrock.provider.js';

const chat = routeTranslation(bedrockProvider, 'llm/v1/chat');
const request = (clientWantsUsage = false) =>
  makeProviderRequest({ provider: 'bedrock', name: 'm', options: {} }, { stream: true, clientWantsUsage });
const frame = (event: string, payload: Record<string, unknown> = {}): StreamFrame => ({
  event,
  data: JSON.stringify(payload),
});
const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null) =>
  JSON.stringify({
    id: '',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'm',
    choices: [{ index: 0, delta, logprobs: null, finish_reason }],
  });

describe('bedrock stream translation', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('closes the answer at metadata, the last event, with messageStop’s reason, the cache-counted usage and [DONE]', () => {
    const translator = chat.stream(request(true));
    expect(translator.translate(frame('messageStart', { role: 'assistant' })).events).toEqual([
      chunk({ role: 'assistant', content: '' }),
    ]);
    expect(
      translator.translate(frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } })),
    ).toEqual({
      events: [chunk({ content: 'Hi' })],
      text: 'Hi',
    });
    expect(translator.translate(frame('contentBlockStop', { contentBlockIndex: 0 })).events).toEqual([]);
    expect(translator.translate(frame('messageStop', { stopReason: 'guardrail_intervened' })).events).toEqual(
      [],
    );
    const usage = {
      prompt_tokens: 15,
      completion_tokens: 2,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 10 },
    };
    const last = translator.translate(
      frame('metadata', {
        usage: {
          inputTokens: 3,
          cacheReadInputTokens: 10,
          cacheWriteInputTokens: 2,
          outputTokens: 2,
          totalTokens: 17,
        },
        metrics: { latencyMs: 120 },
      }),
    );
    expect(last).toEqual({
      events: [
        chunk({}, 'content_filter'),
        JSON.stringify({
          id: '',
          object: 'chat.completion.chunk',
          created: 1700000000,
          model: 'm',
          choices: [],
          usage,
        }),
        '[DONE]',
      ],
      finishReason: 'content_filter',
      usage,
      final: true,
    });
  });

  it.each([
    ['throttlingException', 'Too many requests, please wait before trying again.'],
    ['validationException', 'The model returned the following errors: bad input'],
    ['modelStreamErrorException', 'Model stream error'],
    ['internalServerException', 'Internal error'],
    ['serviceUnavailableException', 'Service unavailable'],
  ])('turns a %s into OpenAI’s error event, the step marked failed', (type, message) => {
    const step = chat.stream(request()).translate(frame(type, { message, originalStatusCode: 500 }));
    expect(step).toEqual({ events: [JSON.stringify({ error: { message, type } })], error: message });
  });

  it('fails on a message that names no event (an AWS error message), never ending silently', () => {
    const step = chat.stream(request()).translate({ data: '' });
    expect(step.error).toBe('bedrock sent a stream message that names no event (an error message)');
    expect(step.events).toEqual([
      JSON.stringify({ error: { message: step.error, type: 'bedrock_stream_error' } }),
    ]);
  });

  it('refuses a payload that is not a JSON object', () => {
    expect(() => chat.stream(request()).translate({ event: 'contentBlockDelta', data: '[1]' })).toThrow(
      TranslationError,
    );
  });
});
