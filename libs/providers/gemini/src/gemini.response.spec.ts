import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { geminiProvider } from './gemini.provider.js';

const chat = routeTranslation(geminiProvider, 'llm/v1/chat');
const request = (overrides: Partial<ProviderRequest> = {}) =>
  makeProviderRequest({ provider: 'gemini', name: 'gemini-2.0-flash', options: {} }, overrides);
const candidate = (parts: unknown[], finishReason = 'STOP', index = 0) => ({
  content: { role: 'model', parts },
  finishReason,
  index,
});
const answer = (candidates: unknown[]) => ({
  candidates,
  responseId: 'r1',
  modelVersion: 'gemini-2.0-flash-001',
});

describe('gemini chat answer', () => {
  it('gives one choice per candidate (n), numbering tool call ids across the answer', () => {
    const translated = chat.response(
      answer([
        candidate([{ functionCall: { name: 'f', args: { a: 1 } } }], 'STOP', 0),
        candidate(
          [{ text: 'No tool.' }, { functionCall: { name: 'g', args: {}, id: 'gemini-call-7' } }],
          'STOP',
          1,
        ),
      ]),
      request(),
    );
    expect(translated.body).toMatchObject({
      id: 'r1',
      model: 'gemini-2.0-flash-001',
      choices: [
        {
          index: 0,
          message: {
            content: null,
            tool_calls: [{ id: 'call_r1_0', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          finish_reason: 'tool_calls',
        },
        {
          index: 1,
          message: {
            content: 'No tool.',
            tool_calls: [{ id: 'gemini-call-7', function: { name: 'g', arguments: '{}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
    expect(translated.finishReasons).toEqual(['tool_calls', 'tool_calls']);
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['OTHER', 'stop'],
  ])('maps finishReason %s to %s', (reason, expected) => {
    const translated = chat.response(answer([candidate([{ text: 'x' }], reason)]), request());
    expect(translated.finishReasons).toEqual([expected]);
  });

  it('fails a generation Gemini reports as failed, with its finishMessage', () => {
    const failed = {
      ...candidate([], 'MALFORMED_FUNCTION_CALL'),
      finishMessage: 'Malformed function call: f(',
    };
    expect(() => chat.response(answer([failed]), request())).toThrow(
      new TranslationError(
        'gemini reported a failed generation (finishReason MALFORMED_FUNCTION_CALL): the model generated a function call that is not valid (Malformed function call: f()',
      ),
    );
  });

  it("fails an answer without candidates or a block reason with Kong's message", () => {
    expect(() => chat.response({ usageMetadata: { promptTokenCount: 1 } }, request())).toThrow(
      new TranslationError('no generation candidates received from Gemini, or max_tokens too short'),
    );
    expect(() => chat.response([], request())).toThrow(
      new TranslationError('failed to decode response from Gemini'),
    );
  });

  it('names a blocked prompt with its block reason message when Gemini gives one', () => {
    const translated = chat.response(
      { promptFeedback: { blockReason: 'OTHER', blockReasonMessage: 'The prompt was blocked.' } },
      request(),
    );
    expect(translated.body).toMatchObject({
      choices: [
        {
          message: {
            content: null,
            refusal: 'gemini blocked the prompt (blockReason OTHER): The prompt was blocked.',
          },
          finish_reason: 'content_filter',
        },
      ],
    });
    expect(translated.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
