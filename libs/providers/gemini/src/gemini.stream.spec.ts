import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamStep } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { geminiProvider } from './gemini.provider.js';

const chat = routeTranslation(geminiProvider, 'llm/v1/chat');
const translator = (overrides: Partial<ProviderRequest> = {}) =>
  chat.stream(
    makeProviderRequest(
      { provider: 'gemini', name: 'gemini-2.0-flash', options: {} },
      { stream: true, ...overrides },
    ),
  );
const frame = (chunk: unknown) => ({ data: JSON.stringify(chunk) });
const chunk = (parts: unknown[], extra: Record<string, unknown> = {}, finishReason?: string) => ({
  candidates: [{ content: { role: 'model', parts }, ...(finishReason && { finishReason }) }],
  responseId: 'r1',
  ...extra,
});
const deltas = (step: StreamStep) =>
  step.events.flatMap((event) => {
    if (typeof event !== 'string' || event === '[DONE]') return [];
    const parsed = JSON.parse(event) as { choices: { delta: unknown; finish_reason: unknown }[] };
    return parsed.choices.map((choice) => [choice.delta, choice.finish_reason]);
  });

describe('gemini stream translation', () => {
  it('closes in end() when the body ends without the closing bracket (SSE, or the same chunks)', () => {
    const stream = translator();
    stream.translate(frame(chunk([{ text: 'Hi' }])));
    stream.translate(frame(chunk([{ text: '!' }], {}, 'STOP')));
    const closing = stream.end!();
    expect(closing).toMatchObject({ finishReason: 'stop', final: true });
    expect(closing.events.at(-1)).toBe('[DONE]');
    expect(stream.end!()).toEqual({ events: [] });
  });

  it('leaves a stream without a finish reason unclosed, so that the core ends it as incomplete', () => {
    const stream = translator();
    stream.translate(frame(chunk([{ text: 'Once upon' }])));
    expect(stream.translate({ data: '[DONE]' })).toEqual({ events: [] });
    expect(stream.end!()).toEqual({ events: [] });
  });

  it('keeps the latest usage (each chunk has the usage so far) for the finish, cached and thinking tokens counted', () => {
    const stream = translator({ clientWantsUsage: true });
    const first = stream.translate(
      frame(chunk([{ text: 'a' }], { usageMetadata: { promptTokenCount: 10 } })),
    );
    expect(first.usage).toEqual({ prompt_tokens: 10, completion_tokens: 0, total_tokens: 10 });
    stream.translate(
      frame(
        chunk(
          [{ text: 'thinking...', thought: true }, { text: 'b' }],
          {
            usageMetadata: {
              promptTokenCount: 10,
              candidatesTokenCount: 2,
              thoughtsTokenCount: 5,
              cachedContentTokenCount: 8,
            },
          },
          'STOP',
        ),
      ),
    );
    const closing = stream.end!();
    const usage = {
      prompt_tokens: 10,
      completion_tokens: 7,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 8 },
      completion_tokens_details: { reasoning_tokens: 5 },
    };
    expect(closing.usage).toEqual(usage);
    expect(JSON.parse(closing.events[1] as string)).toMatchObject({ choices: [], usage });
  });

  it('leaves thought summaries out of the answer text', () => {
    const step = translator().translate(
      frame(chunk([{ text: 'Let me think', thought: true }, { text: 'Yes.' }])),
    );
    expect(deltas(step)).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'Yes.' }, null],
    ]);
    expect(step.text).toBe('Yes.');
  });

  it('maps a safety stop to content_filter', () => {
    const stream = translator();
    stream.translate(frame({ candidates: [{ finishReason: 'SAFETY' }], responseId: 'r1' }));
    expect(deltas(stream.end!())).toEqual([[{}, 'content_filter']]);
  });

  it('ends with an error event for a failed generation', () => {
    const step = translator().translate(frame(chunk([], {}, 'MALFORMED_FUNCTION_CALL')));
    const message =
      'gemini reported a failed generation (finishReason MALFORMED_FUNCTION_CALL): the model generated a function call that is not valid';
    expect(step.error).toBe(message);
    expect(step.events.at(-1)).toBe(JSON.stringify({ error: { message, type: 'upstream_error' } }));
  });

  it("passes Google's error object on with its status as the type", () => {
    const step = translator().translate(
      frame({ error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } }),
    );
    expect(step).toEqual({
      events: ['{"error":{"message":"Quota exceeded","type":"RESOURCE_EXHAUSTED"}}'],
      error: 'Quota exceeded',
    });
  });

  it('fails a frame that is not a JSON object', () => {
    expect(() => translator().translate({ data: '{"candidates":' })).toThrow(TranslationError);
    expect(() => translator().translate({ data: '42' })).toThrow(TranslationError);
  });
});
