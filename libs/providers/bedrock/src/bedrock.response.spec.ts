import { TranslationError } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { bedrockProvider } from './bedrock.provider.js';

const chat = routeTranslation(bedrockProvider, 'llm/v1/chat');
const request = makeProviderRequest({ provider: 'bedrock', name: 'amazon.nova-lite-v1:0', options: {} });
const answer = (stopReason: string, content: unknown[] = [{ text: 'ok' }]) => ({
  output: { message: { role: 'assistant', content } },
  stopReason,
  usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 },
});

describe('bedrock chat answer', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
  ])('maps stopReason %s to finish_reason %s', (stopReason, finishReason) => {
    const translated = chat.response(answer(stopReason), request);
    expect(translated.finishReasons).toEqual([finishReason]);
    expect(translated.body).toMatchObject({ choices: [{ finish_reason: finishReason }] });
  });

  it('joins the text blocks, leaves reasoning out, and names the model asked for', () => {
    const translated = chat.response(
      answer('end_turn', [
        { reasoningContent: { reasoningText: { text: 'hmm' } } },
        { text: 'a' },
        { text: 'b' },
      ]),
      request,
    );
    expect(translated).toMatchObject({
      body: { model: 'amazon.nova-lite-v1:0', choices: [{ message: { role: 'assistant', content: 'ab' } }] },
      model: 'amazon.nova-lite-v1:0',
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
  });

  it("fails with Kong's message on a body without an output message", () => {
    expect(() => chat.response({ message: 'x' }, request)).toThrow(
      new TranslationError('no generation candidates received from Bedrock, or max_tokens too short'),
    );
  });
});
