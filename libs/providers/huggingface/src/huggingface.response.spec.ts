import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest } from '@switchyard/plugin-api';
import { FIXTURE_NOW_MS, makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { huggingfaceProvider } from './huggingface.provider.js';

const chat = routeTranslation(huggingfaceProvider, 'llm/v1/chat');
const generate = routeTranslation(huggingfaceProvider, 'llm/v1/completions');
const MODEL = 'mistralai/Mistral-7B-Instruct-v0.2';
const request = (routeType: ProviderRequest['routeType'] = 'llm/v1/chat') =>
  makeProviderRequest({ provider: 'huggingface', name: MODEL, options: {} }, { routeType });

describe('huggingface chat answers', () => {
  const answer = {
    object: 'chat.completion',
    id: 'chatcmpl-1',
    created: 1722866733,
    model: MODEL,
    choices: [
      { index: 0, message: { role: 'assistant', content: '2' }, logprobs: null, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 26, completion_tokens: 1, total_tokens: 27 },
  };

  it('passes an OpenAI-shaped answer through as the same object, with its usage, model, id and finish reasons', () => {
    expect(chat.response(answer, request())).toEqual({
      body: answer,
      usage: { prompt_tokens: 26, completion_tokens: 1, total_tokens: 27 },
      model: MODEL,
      id: 'chatcmpl-1',
      finishReasons: ['stop'],
    });
    expect(chat.response(answer, request()).body).toBe(answer);
  });

  it("puts TGI's finish reasons (tool_calls for a choice that calls tools) and JSON-document tool-call arguments in OpenAI's words", () => {
    const tgi = {
      ...answer,
      id: '',
      choices: [
        { ...answer.choices[0], finish_reason: 'eos_token' },
        {
          index: 1,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: '0',
                type: 'function',
                function: { description: null, name: 'get_weather', arguments: { city: 'Oslo' } },
              },
            ],
          },
          finish_reason: 'stop_sequence',
        },
        { ...answer.choices[0], index: 2, finish_reason: 'length' },
      ],
    };
    const translated = chat.response(tgi, request());
    expect(translated.finishReasons).toEqual(['stop', 'tool_calls', 'length']);
    expect(translated).not.toHaveProperty('id');
    expect((translated.body as typeof tgi).choices).toEqual([
      { ...answer.choices[0], finish_reason: 'stop' },
      {
        index: 1,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: '0',
              type: 'function',
              function: { description: null, name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        finish_reason: 'tool_calls',
      },
      tgi.choices[2],
    ]);
    expect((translated.body as typeof tgi).choices[2]).toBe(tgi.choices[2]);
  });

  it("fails a body without choices: Kong's 'API error' for Hugging Face's error, else what is missing", () => {
    expect(() =>
      chat.response({ error: 'Model is overloaded', error_type: 'overloaded' }, request()),
    ).toThrow(new TranslationError('API error: Model is overloaded'));
    expect(() => chat.response([{ generated_text: 'Hi' }], request())).toThrow(
      new TranslationError("'choices' not in llm/v1/chat response"),
    );
  });
});

describe('huggingface text-generation answers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: FIXTURE_NOW_MS });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('makes a text_completion of the generated text, its finish reason and generated token count', () => {
    const answer = [
      {
        generated_text: ' I am fine.',
        details: { finish_reason: 'eos_token', generated_tokens: 5, seed: null, prefill: [], tokens: [] },
      },
    ];
    expect(generate.response(answer, request('llm/v1/completions'))).toEqual({
      body: {
        id: '',
        object: 'text_completion',
        created: 1700000000,
        model: MODEL,
        choices: [{ index: 0, text: ' I am fine.', logprobs: null, finish_reason: 'stop' }],
      },
      model: MODEL,
      finishReasons: ['stop'],
      usage: { completion_tokens: 5 },
    });
  });

  it("reads TGI's /generate object and an answer without details (no usage, finish reason stop)", () => {
    const object = generate.response(
      { generated_text: 'Hi', details: { finish_reason: 'length', generated_tokens: 1 } },
      request('llm/v1/completions'),
    );
    expect(object.finishReasons).toEqual(['length']);
    const bare = generate.response(
      [{ generated_text: 'I am a language model' }],
      request('llm/v1/completions'),
    );
    expect(bare.finishReasons).toEqual(['stop']);
    expect(bare).not.toHaveProperty('usage');
  });

  it("fails a body without generated_text: Kong's 'API error' for Hugging Face's error, else what is missing", () => {
    const completions = request('llm/v1/completions');
    expect(() => generate.response({ error: ['Error in `inputs`: field required'] }, completions)).toThrow(
      new TranslationError('API error: Error in `inputs`: field required'),
    );
    expect(() => generate.response([], completions)).toThrow(
      new TranslationError("'generated_text' not in llm/v1/completions response"),
    );
  });
});
