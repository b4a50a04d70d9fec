import { GatewayError, TranslationError } from '@switchyard/plugin-api';
import type { ChatCompletionRequest, ModelOptions, ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { anthropicProvider } from './anthropic.provider.js';
import { ANTHROPIC_DEFAULT_MAX_TOKENS } from './anthropic.request-map.js';

const VERSION = { anthropic_version: '2023-06-01' };
const request = (options: ModelOptions = VERSION, overrides: Partial<ProviderRequest> = {}) =>
  makeProviderRequest({ provider: 'anthropic', name: 'claude-haiku-4-5', options }, overrides);
const chat = routeTranslation(anthropicProvider, 'llm/v1/chat');
const complete = routeTranslation(anthropicProvider, 'llm/v1/completions');

const body = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
const upstream = (client: ChatCompletionRequest, options?: ModelOptions) =>
  chat.request(client, request(options)).body as Record<string, unknown>;

describe('anthropicProvider', () => {
  it('serves chat and completions as SSE, with usage in every stream', () => {
    expect(anthropicProvider.id).toBe('anthropic');
    expect(anthropicProvider.telemetryName).toBe('anthropic');
    expect(Object.keys(anthropicProvider.routes)).toEqual(['llm/v1/chat', 'llm/v1/completions']);
    expect(anthropicProvider.traits).toEqual({
      streamFraming: 'sse',
      streamReportsUsage: true,
      dropsSetCookie: false,
    });
  });

  it("calls Anthropic's Messages and Text Completions endpoints, or the upstream_path", () => {
    expect(anthropicProvider.upstreamUrl(request()).href).toBe('https://api.anthropic.com/v1/messages');
    expect(anthropicProvider.upstreamUrl(request(VERSION, { routeType: 'llm/v1/completions' })).href).toBe(
      'https://api.anthropic.com/v1/complete',
    );
    expect(anthropicProvider.upstreamUrl(request({ ...VERSION, upstream_path: '/v1/other' })).href).toBe(
      'https://api.anthropic.com/v1/other',
    );
  });
});

describe('anthropic chat request', () => {
  it('sends anthropic-version, the model, an explicit stream flag and the default max_tokens', () => {
    const translated = chat.request(body(), request());
    expect(translated.headers).toEqual({ 'anthropic-version': '2023-06-01' });
    expect(translated.body).toEqual({
      model: 'claude-haiku-4-5',
      stream: false,
      max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS,
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('fails with 500 when anthropic_version resolves to nothing', () => {
    expect(() => chat.request(body(), request({}))).toThrow(
      new GatewayError(500, "must set 'model.options.anthropic_version' for anthropic provider"),
    );
  });

  it('takes max_tokens from the config first, then max_completion_tokens, then max_tokens', () => {
    expect(
      upstream(body({ max_tokens: 10, max_completion_tokens: 20 }), { ...VERSION, max_tokens: 30 }),
    ).toMatchObject({
      max_tokens: 30,
    });
    expect(upstream(body({ max_tokens: 10, max_completion_tokens: 20 }))).toMatchObject({ max_tokens: 20 });
    expect(upstream(body({ max_tokens: 10 }))).toMatchObject({ max_tokens: 10 });
  });

  it('maps stop, user and the sampling parameters, and drops every field Anthropic does not take', () => {
    const client = body({
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
      stop: 'END',
      user: 'user-7',
      stream_options: { include_usage: true },
      n: 2,
      seed: 1,
      presence_penalty: 1,
      frequency_penalty: 1,
      logprobs: true,
      response_format: { type: 'json_object' },
      parallel_tool_calls: false,
      metadata: { tag: 'x' },
    });
    expect(upstream(client)).toEqual({
      model: 'claude-haiku-4-5',
      stream: false,
      max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS,
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
    });
    expect(client.stop).toBe('END');
  });

  it('joins system and developer messages into system, wherever they are', () => {
    const translated = upstream(
      body({
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'hi' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        ],
      }),
    );
    expect(translated.system).toBe('Be terse.\n\nAnswer in French.');
    expect(translated.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('turns images into base64 and URL sources, and refuses what Anthropic cannot read', () => {
    const withImage = (url: string) =>
      body({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] });
    expect(upstream(withImage('data:image/png;base64,iVBORw0KGgo=')).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
    ]);
    expect(upstream(withImage('https://example.test/cat.jpg')).messages).toEqual([
      {
        role: 'user',
        content: [{ type: 'image', source: { type: 'url', url: 'https://example.test/cat.jpg' } }],
      },
    ]);
    expect(() => upstream(withImage('data:image/bmp;base64,Qk0='))).toThrow(
      new TranslationError(
        "image type 'image/bmp' is not supported by anthropic (image/jpeg, image/png, image/gif, image/webp)",
      ),
    );
    expect(() => upstream(withImage('ftp://example.test/cat.jpg'))).toThrow(TranslationError);
    const audio = body({
      messages: [
        { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }] },
      ],
    });
    expect(() => upstream(audio)).toThrow(
      new TranslationError("content part 'input_audio' is not supported by anthropic"),
    );
  });

  it('sends tool calls as tool_use blocks and merges consecutive tool results into one user turn', () => {
    const messages: ChatCompletionRequest['messages'] = [
      { role: 'user', content: 'Weather and time in Oslo?' },
      {
        role: 'assistant',
        content: 'Looking.',
        tool_calls: [
          {
            id: 'toolu_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
          },
          { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '21 degrees' },
      { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '14:00' }] },
      { role: 'user', content: 'Thanks' },
    ];
    expect(upstream(body({ messages })).messages).toEqual([
      { role: 'user', content: 'Weather and time in Oslo?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Looking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '21 degrees' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: '14:00' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('refuses tool-call arguments that are not a JSON object with a 400-worthy message', () => {
    const messages: ChatCompletionRequest['messages'] = [
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"city":' } }],
      },
    ];
    expect(() => upstream(body({ messages }))).toThrow(
      new TranslationError(`the arguments of tool call 'toolu_1' are not a JSON object: {"city":`),
    );
  });

  it('maps tools and each tool_choice, with parallel_tool_calls false as disable_parallel_tool_use', () => {
    const tools: ChatCompletionRequest['tools'] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object', properties: {} },
        },
      },
      { type: 'function', function: { name: 'get_time' } },
    ];
    expect(upstream(body({ tools })).tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } },
      { name: 'get_time', input_schema: { type: 'object', properties: {} } },
    ]);
    const choice = (tool_choice?: ChatCompletionRequest['tool_choice'], parallel_tool_calls?: boolean) =>
      upstream(body({ tools, tool_choice, parallel_tool_calls })).tool_choice;
    expect(choice()).toBeUndefined();
    expect(choice('auto')).toEqual({ type: 'auto' });
    expect(choice('required')).toEqual({ type: 'any' });
    expect(choice('none')).toEqual({ type: 'none' });
    expect(choice({ type: 'function', function: { name: 'get_time' } }, false)).toEqual({
      type: 'tool',
      name: 'get_time',
      disable_parallel_tool_use: true,
    });
    expect(choice(undefined, false)).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(upstream(body({ tool_choice: 'required' }))).not.toHaveProperty('tool_choice');
  });
});

describe('anthropic completions request', () => {
  it('wraps the prompt in Human and Assistant turns, with max_tokens_to_sample', () => {
    const translated = complete.request(
      { prompt: 'What is 1 + 1?', max_tokens: 64, stop: ['\n'] },
      request(VERSION, { routeType: 'llm/v1/completions' }),
    );
    expect(translated.body).toEqual({
      model: 'claude-haiku-4-5',
      stream: false,
      prompt: '\n\nHuman: What is 1 + 1?\n\nAssistant:',
      max_tokens_to_sample: 64,
      stop_sequences: ['\n'],
    });
    expect(translated.headers).toEqual({ 'anthropic-version': '2023-06-01' });
  });
});

describe('anthropic answers', () => {
  it("fails an answer without content with Kong's message", () => {
    expect(() => chat.response({ type: 'error' }, request())).toThrow(
      new TranslationError("'content' not in anthropic://llm/v1/chat response"),
    );
    expect(() => complete.response({}, request(VERSION, { routeType: 'llm/v1/completions' }))).toThrow(
      new TranslationError("'completion' not in anthropic://llm/v1/completions response"),
    );
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])('reads stop_reason %s as finish_reason %s', (stopReason, finishReason) => {
    const answer = chat.response({ id: 'msg_1', content: [], stop_reason: stopReason }, request());
    expect(answer.finishReasons).toEqual([finishReason]);
  });
});
