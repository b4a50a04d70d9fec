import { TranslationError } from '@switchyard/plugin-api';
import type { ChatCompletionRequest, ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { OLLAMA_TRANSLATIONS } from './ollama.translations.js';

const request = (overrides: Partial<ProviderRequest> = {}) =>
  makeProviderRequest(
    { provider: 'llama2', name: 'llama3.2', options: { llama2_format: 'ollama' } },
    overrides,
  );
const chat = OLLAMA_TRANSLATIONS['llm/v1/chat'];
const generate = OLLAMA_TRANSLATIONS['llm/v1/completions'];
const PIXEL =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    strict: true,
  },
};

describe('Ollama /api/chat requests', () => {
  it("sends Kong's fields (model, messages, stream, options) and maps the sampling fields into options", () => {
    const body: ChatCompletionRequest = Object.freeze<ChatCompletionRequest>({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'You are a mathematician.' },
        { role: 'developer', content: 'Answer briefly.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is' },
            { type: 'text', text: '1 + 1?' },
          ],
        },
      ],
      max_completion_tokens: 100,
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      seed: 7,
      stop: 'END',
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      stream_options: { include_usage: true },
      user: 'user-1',
      n: 1,
      logit_bias: { '50256': -100 },
      parallel_tool_calls: true,
    });
    expect(chat.request(body, request({ stream: true })).body).toEqual({
      model: 'llama3.2',
      stream: true,
      messages: [
        { role: 'system', content: 'You are a mathematician.' },
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'What is\n1 + 1?' },
      ],
      options: {
        num_predict: 50,
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        seed: 7,
        stop: ['END'],
        presence_penalty: 0.1,
        frequency_penalty: 0.2,
      },
    });
  });

  it("keeps Ollama's own fields and options, the mapped sampling fields winning", () => {
    const body = {
      messages: [{ role: 'user' as const, content: 'Hi' }],
      keep_alive: '5m',
      think: false,
      options: { num_ctx: 8192, temperature: 1 },
      temperature: 0.3,
    };
    expect(chat.request(body, request()).body).toEqual({
      model: 'llama3.2',
      stream: false,
      keep_alive: '5m',
      think: false,
      messages: [{ role: 'user', content: 'Hi' }],
      options: { num_ctx: 8192, temperature: 0.3 },
    });
  });

  it('maps response_format to format: "json", or the JSON schema itself', () => {
    const base = { messages: [{ role: 'user' as const, content: 'Hi' }] };
    const schema = { type: 'object', properties: { answer: { type: 'number' } } };
    expect(chat.request({ ...base, response_format: { type: 'json_object' } }, request()).body).toMatchObject(
      {
        format: 'json',
      },
    );
    expect(
      chat.request(
        { ...base, response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } },
        request(),
      ).body,
    ).toMatchObject({ format: schema });
    expect(chat.request({ ...base, response_format: { type: 'text' } }, request()).body).not.toHaveProperty(
      'format',
    );
  });

  it('sends tools without strict, and none when tool_choice is none', () => {
    const base = { messages: [{ role: 'user' as const, content: 'Weather in Oslo?' }], tools: [weatherTool] };
    expect(chat.request({ ...base, tool_choice: 'required' }, request()).body).toMatchObject({
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'The weather in a city',
            parameters: weatherTool.function.parameters,
          },
        },
      ],
    });
    expect(chat.request({ ...base, tool_choice: 'none' }, request()).body).not.toHaveProperty('tools');
  });

  it("sends an assistant's tool calls with object arguments, and each tool result with its tool's name", () => {
    const body: ChatCompletionRequest = {
      messages: [
        { role: 'user', content: 'Weather and time in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_2', content: '14:05' },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: '3 °C' }] },
      ],
    };
    expect(chat.request(body, request()).body).toMatchObject({
      messages: [
        { role: 'user', content: 'Weather and time in Oslo?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { function: { name: 'get_weather', arguments: { city: 'Oslo' } } },
            { function: { name: 'get_time', arguments: {} } },
          ],
        },
        { role: 'tool', content: '14:05', tool_name: 'get_time' },
        { role: 'tool', content: '3 °C', tool_name: 'get_weather' },
      ],
    });
  });

  it('sends data-URL images as base64 images, and refuses links and other parts with a 400 message', () => {
    const withImage = (url: string) => ({
      messages: [
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: 'What is this?' },
            { type: 'image_url' as const, image_url: { url } },
          ],
        },
      ],
    });
    expect(chat.request(withImage(`data:image/png;base64,${PIXEL}`), request()).body).toMatchObject({
      messages: [{ role: 'user', content: 'What is this?', images: [PIXEL] }],
    });
    expect(() => chat.request(withImage('https://example.com/cat.png'), request())).toThrow(
      new TranslationError('ollama takes images as base64 data: URLs (data:image/png;base64,...), not links'),
    );
    const audio = {
      messages: [
        {
          role: 'user' as const,
          content: [{ type: 'input_audio' as const, input_audio: { data: 'AAA', format: 'wav' as const } }],
        },
      ],
    };
    expect(() => chat.request(audio, request())).toThrow(
      new TranslationError("ollama takes text and image parts only, not 'input_audio'"),
    );
  });

  it('refuses a tool result for a call no assistant made, and arguments that are not an object', () => {
    expect(() =>
      chat.request({ messages: [{ role: 'tool', tool_call_id: 'call_9', content: 'x' }] }, request()),
    ).toThrow(
      new TranslationError(
        "tool message's tool_call_id 'call_9' names no tool call of an earlier assistant message",
      ),
    );
    const badArguments: ChatCompletionRequest = {
      messages: [
        {
          role: 'assistant',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '[1]' } }],
        },
      ],
    };
    expect(() => chat.request(badArguments, request())).toThrow(
      new TranslationError("the arguments of tool call 'call_1' (f) must be a JSON object for ollama"),
    );
  });
});

describe('Ollama /api/generate requests', () => {
  const completions = (overrides: Partial<ProviderRequest> = {}) =>
    request({ routeType: 'llm/v1/completions', ...overrides });

  it('sends the prompt, suffix and Ollama fields, and the sampling fields in options', () => {
    const body = {
      prompt: 'def add(a, b):',
      suffix: '\n\nprint(add(1, 2))',
      max_tokens: 20,
      system: 'Code only.',
      echo: true,
      best_of: 2,
    };
    expect(generate.request(body, completions()).body).toEqual({
      model: 'llama3.2',
      stream: false,
      prompt: 'def add(a, b):',
      suffix: '\n\nprint(add(1, 2))',
      system: 'Code only.',
      options: { num_predict: 20 },
    });
  });

  it('takes a list holding one prompt, and refuses several', () => {
    expect(generate.request({ prompt: ['one'] }, completions()).body).toMatchObject({ prompt: 'one' });
    expect(() => generate.request({ prompt: ['one', 'two'] }, completions())).toThrow(
      new TranslationError('ollama generates one answer per request: send one prompt, as a string'),
    );
  });
});
