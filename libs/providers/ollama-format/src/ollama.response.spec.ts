import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { OLLAMA_TRANSLATIONS } from './ollama.translations.js';

const request = (overrides: Partial<ProviderRequest> = {}) =>
  makeProviderRequest(
    { provider: 'mistral', name: 'mistral', options: { mistral_format: 'ollama' } },
    overrides,
  );
const chat = OLLAMA_TRANSLATIONS['llm/v1/chat'];
const generate = OLLAMA_TRANSLATIONS['llm/v1/completions'];

const timing = {
  total_duration: 5191566416,
  load_duration: 2154458,
  prompt_eval_duration: 383809000,
  eval_duration: 4799921000,
};

describe('Ollama answers', () => {
  it('reads a chat answer: content, done_reason, usage, and an id and created time from created_at', () => {
    const answer = {
      model: 'mistral',
      created_at: '2023-12-12T14:13:43.416799Z',
      message: { role: 'assistant', content: 'The answer is 2.' },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 26,
      eval_count: 6,
      ...timing,
    };
    expect(chat.response(answer, request())).toEqual({
      body: {
        id: 'chatcmpl-20231212141343416799',
        object: 'chat.completion',
        created: 1702390423,
        model: 'mistral',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'The answer is 2.' }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 26, completion_tokens: 6, total_tokens: 32 },
      },
      id: 'chatcmpl-20231212141343416799',
      model: 'mistral',
      finishReasons: ['stop'],
      usage: { prompt_tokens: 26, completion_tokens: 6, total_tokens: 32 },
    });
  });

  it('reads tool calls as OpenAI tool_calls with ids unique to the answer, finishing with tool_calls', () => {
    const answer = {
      model: 'mistral',
      created_at: '2024-07-22T20:33:28.123648Z',
      message: {
        role: 'assistant',
        content: '',
        tool_calls: [
          { function: { name: 'get_weather', arguments: { city: 'Oslo' } } },
          { function: { index: 1, name: 'get_time', arguments: { zone: 'Europe/Oslo' } } },
        ],
      },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 90,
      eval_count: 30,
    };
    const translated = chat.response(answer, request());
    expect(translated.body).toMatchObject({
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_20240722203328123648_0',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
              {
                id: 'call_20240722203328123648_1',
                type: 'function',
                function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' },
              },
            ],
          },
        },
      ],
    });
  });

  it('says length for done_reason length, and leaves a prompt count Ollama did not report to the estimate', () => {
    const answer = {
      model: 'mistral',
      created_at: '2024-01-01T00:00:00Z',
      message: { role: 'assistant', content: 'One two' },
      done: true,
      done_reason: 'length',
      eval_count: 2,
    };
    const translated = chat.response(answer, request());
    expect(translated.finishReasons).toEqual(['length']);
    expect(translated.usage).toEqual({ completion_tokens: 2 });
    expect((translated.body as { usage: unknown }).usage).toEqual({
      prompt_tokens: 0,
      completion_tokens: 2,
      total_tokens: 2,
    });
  });

  it('reads a generate answer as a text_completion', () => {
    const answer = {
      model: 'llama3.2',
      created_at: '2024-01-01T00:00:01Z',
      response: '    return a + b',
      done: true,
      done_reason: 'stop',
      context: [1, 2, 3],
      prompt_eval_count: 5,
      eval_count: 4,
    };
    expect(generate.response(answer, request({ routeType: 'llm/v1/completions' })).body).toEqual({
      id: 'chatcmpl-20240101000001',
      object: 'text_completion',
      created: 1704067201,
      model: 'llama3.2',
      choices: [{ index: 0, text: '    return a + b', finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
    });
  });

  it('fails with a message naming the missing field for a body that is no answer', () => {
    expect(() => chat.response({ error: 'nope' }, request())).toThrow(
      new TranslationError("'message' not in ollama response"),
    );
    expect(() => generate.response({ message: {} }, request())).toThrow(
      new TranslationError("'response' not in ollama response"),
    );
  });
});
