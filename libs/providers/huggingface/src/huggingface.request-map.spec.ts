import { TranslationError } from '@switchyard/plugin-api';
import type { ModelOptions, ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { huggingfaceProvider } from './huggingface.provider.js';

const chat = routeTranslation(huggingfaceProvider, 'llm/v1/chat');
const generate = routeTranslation(huggingfaceProvider, 'llm/v1/completions');

function request(overrides: Partial<ProviderRequest> = {}, options: ModelOptions = {}): ProviderRequest {
  return makeProviderRequest(
    { provider: 'huggingface', name: 'meta-llama/Llama-3.1-8B-Instruct', options },
    overrides,
  );
}

const completions = (overrides: Partial<ProviderRequest> = {}, options: ModelOptions = {}) =>
  request({ routeType: 'llm/v1/completions', ...overrides }, options);

describe('huggingface chat request', () => {
  it("sends only the fields Hugging Face's chat API takes: OpenAI names mapped, the rest dropped, the client body untouched", () => {
    const body = Object.freeze({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      messages: [{ role: 'user' as const, content: 'Hi' }],
      max_completion_tokens: 100,
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 3,
      seed: 7,
      stop: 'END',
      n: 1,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      logprobs: true,
      top_logprobs: 2,
      response_format: { type: 'json_object' },
      tool_prompt: 'Use tools when needed.',
      logit_bias: { '1': 2 },
      user: 'u-1',
      parallel_tool_calls: true,
      store: true,
      metadata: { a: 'b' },
      reasoning_effort: 'low',
      stream_options: { include_usage: true },
      safety_mode: null,
    });
    expect(chat.request(body, request()).body).toEqual({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      stream: false,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      stop: ['END'],
      n: 1,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      logprobs: true,
      top_logprobs: 2,
      response_format: { type: 'json_object' },
      tool_prompt: 'Use tools when needed.',
    });
  });

  it('keeps the members of messages the chat API reads, images by URL, tool calls and their results', () => {
    const call = {
      id: 'call_1',
      type: 'function' as const,
      function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      index: 0,
    };
    const body = {
      messages: [
        {
          role: 'user' as const,
          name: 'ann',
          content: [
            { type: 'text' as const, text: 'What is this?' },
            {
              type: 'image_url' as const,
              image_url: { url: 'https://example.com/a.png', detail: 'high' as const },
            },
          ],
        },
        { role: 'assistant' as const, content: null, refusal: null, tool_calls: [call] },
        { role: 'tool' as const, tool_call_id: 'call_1', content: '{"temperature":18}' },
      ],
    };
    expect(chat.request(body, request()).body).toMatchObject({
      messages: [
        {
          role: 'user',
          name: 'ann',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temperature":18}' },
      ],
    });
    const sent = chat.request(body, request()).body as { messages: Record<string, unknown>[] };
    expect(sent.messages[1]).not.toHaveProperty('refusal');
  });

  it("sends tools as OpenAI's function tools without strict, and tool_choice as given", () => {
    const body = {
      messages: [{ role: 'user' as const, content: 'weather?' }],
      tools: [
        {
          type: 'function' as const,
          function: {
            name: 'get_weather',
            description: 'Weather now.',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
            strict: true,
          },
        },
        { type: 'function' as const, function: { name: 'get_time' } },
      ],
      tool_choice: { type: 'function' as const, function: { name: 'get_weather' } },
    };
    expect(chat.request(body, request()).body).toMatchObject({
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather now.',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
  });

  it('refuses content parts and tools the chat API does not take', () => {
    const audio = {
      messages: [
        {
          role: 'user' as const,
          content: [{ type: 'input_audio' as const, input_audio: { data: 'AAA', format: 'wav' as const } }],
        },
      ],
    };
    expect(() => chat.request(audio, request())).toThrow(
      new TranslationError(
        "content part type 'input_audio' is not supported by huggingface (it takes text and image_url parts)",
      ),
    );
    const custom = {
      messages: [{ role: 'user' as const, content: 'Hi' }],
      tools: [{ type: 'custom', custom: {} }],
    };
    expect(() => chat.request(custom, request())).toThrow(TranslationError);
  });

  it('asks a stream for its usage when the gateway counts tokens, keeps the client choice, and sends no stream_options without a stream', () => {
    const body = { messages: [{ role: 'user' as const, content: 'Hi' }], stream: true };
    expect(chat.request(body, request({ stream: true, wantsUsage: true })).body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const declined = { ...body, stream_options: { include_usage: false } };
    expect(chat.request(declined, request({ stream: true, wantsUsage: true })).body).toMatchObject({
      stream_options: { include_usage: false },
    });
    expect(chat.request(body, request({ stream: true })).body).not.toHaveProperty('stream_options');
    expect(chat.request(declined, request()).body).not.toHaveProperty('stream_options');
  });

  it("sends use_cache and wait_for_model as the current API's headers, false when unset as Kong does", () => {
    const body = { messages: [{ role: 'user' as const, content: 'Hi' }] };
    expect(chat.request(body, request()).headers).toEqual({
      'x-use-cache': 'false',
      'x-wait-for-model': 'false',
    });
    const options = { huggingface: { use_cache: true, wait_for_model: true } };
    expect(chat.request(body, request({}, options)).headers).toEqual({
      'x-use-cache': 'true',
      'x-wait-for-model': 'true',
    });
  });
});

describe('huggingface completions request (text generation)', () => {
  it("maps the prompt to inputs and OpenAI's fields to parameters, asks for details and the continuation only", () => {
    const body = Object.freeze({
      prompt: 'Say hi',
      max_tokens: 20,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      stop: '\n',
      seed: 3,
      frequency_penalty: 0.5,
      best_of: 2,
      presence_penalty: 0.1,
      n: 2,
      logprobs: 1,
      suffix: 'x',
      user: 'u-1',
      stream_options: { include_usage: true },
      model: 'gpt2',
    });
    expect(generate.request(body, completions({}, { huggingface: { wait_for_model: true } }))).toEqual({
      body: {
        inputs: 'Say hi',
        parameters: {
          return_full_text: false,
          max_new_tokens: 20,
          temperature: 0.7,
          top_p: 0.9,
          top_k: 40,
          stop: ['\n'],
          seed: 3,
          frequency_penalty: 0.5,
          best_of: 2,
          details: true,
        },
        options: { use_cache: false, wait_for_model: true },
        stream: false,
      },
      headers: { 'x-use-cache': 'false', 'x-wait-for-model': 'true' },
    });
  });

  it('makes a temperature of 0 greedy decoding and leaves out a top_p of 1, which text generation refuses', () => {
    const { parameters } = generate.request({ prompt: 'Hi', temperature: 0, top_p: 1 }, completions())
      .body as {
      parameters: Record<string, unknown>;
    };
    expect(parameters).toEqual({ return_full_text: false, do_sample: false, details: true });
  });

  it("keeps the client's own text-generation parameters, under its OpenAI fields, and echo as return_full_text", () => {
    const body = {
      prompt: 'Hi',
      echo: true,
      temperature: 0.5,
      parameters: { temperature: 0.1, repetition_penalty: 1.2, details: false, watermark: true, unknown: 1 },
    };
    expect((generate.request(body, completions()).body as { parameters: unknown }).parameters).toEqual({
      return_full_text: true,
      temperature: 0.5,
      repetition_penalty: 1.2,
      watermark: true,
      details: true,
    });
  });
});
