import { TranslationError } from '@switchyard/plugin-api';
import type { ChatCompletionRequest, ModelOptions, ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { mistralProvider } from './mistral.provider.js';
import { mistralToolCallId } from './mistral.tool-call-ids.js';

const request = (
  options: ModelOptions = { mistral_format: 'openai' },
  overrides: Partial<ProviderRequest> = {},
) => makeProviderRequest({ provider: 'mistral', name: 'mistral-small-latest', options }, overrides);
const chat = routeTranslation(mistralProvider, 'llm/v1/chat');
const completions = routeTranslation(mistralProvider, 'llm/v1/completions');

describe('mistralProvider', () => {
  it('serves chat, completions and embeddings as mistral_ai, dropping Set-Cookie as Kong does', () => {
    expect(mistralProvider.telemetryName).toBe('mistral_ai');
    expect(Object.keys(mistralProvider.routes)).toEqual([
      'llm/v1/chat',
      'llm/v1/completions',
      'llm/v1/embeddings',
    ]);
    expect(mistralProvider.traits).toMatchObject({ streamFraming: 'sse', dropsSetCookie: true });
  });

  it("calls Mistral's chat endpoint", () => {
    expect(mistralProvider.upstreamUrl(request()).href).toBe('https://api.mistral.ai/v1/chat/completions');
  });

  it('translates each request in the format mistral_format names', () => {
    const body = { messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 5 };
    expect(chat.request(body, request({ mistral_format: 'openai' })).body).toEqual({
      model: 'mistral-small-latest',
      stream: false,
      max_tokens: 5,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(chat.request(body, request({ mistral_format: 'ollama' })).body).toEqual({
      model: 'mistral-small-latest',
      stream: false,
      messages: [{ role: 'user', content: 'Hi' }],
      options: { num_predict: 5 },
    });
    expect(chat.stream(request({ mistral_format: 'ollama' }, { stream: true })).framing).toBe('ndjson');
    expect(chat.stream(request({ mistral_format: 'openai' }, { stream: true })).framing).toBe('sse');
  });

  it('sends completions in the openai format as they are (Kong: to an OpenAI-compatible upstream_url)', () => {
    const body = { prompt: 'Hello', top_k: 3, max_tokens: 4 };
    expect(
      completions.request(body, request({ mistral_format: 'openai' }, { routeType: 'llm/v1/completions' }))
        .body,
    ).toEqual({
      prompt: 'Hello',
      max_tokens: 4,
      model: 'mistral-small-latest',
      stream: false,
    });
  });
});

describe('Mistral chat requests (mistral_format openai)', () => {
  it("sends only the fields Mistral accepts, in Mistral's names, the client body untouched", () => {
    const body: ChatCompletionRequest = Object.freeze<ChatCompletionRequest>({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'Hi', name: 'ada' }],
      max_completion_tokens: 100,
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 3,
      seed: 7,
      stop: ['END'],
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      n: 2,
      response_format: { type: 'json_object' },
      stream_options: { include_usage: true },
      user: 'user-1',
      logprobs: true,
      top_logprobs: 2,
      logit_bias: { '1': 2 },
      store: true,
      service_tier: 'auto',
      parallel_tool_calls: false,
      metadata: { team: 'a' },
      reasoning_effort: 'low',
      safe_prompt: true,
      prompt_mode: 'reasoning',
    });
    expect(chat.request(body, request()).body).toEqual({
      model: 'mistral-small-latest',
      stream: false,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      random_seed: 7,
      stop: ['END'],
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      n: 2,
      response_format: { type: 'json_object' },
      parallel_tool_calls: false,
      metadata: { team: 'a' },
      reasoning_effort: 'low',
      safe_prompt: true,
      prompt_mode: 'reasoning',
    });
  });

  it('does not ask for several answers in a stream, which carries one', () => {
    const body = { messages: [{ role: 'user' as const, content: 'Hi' }], n: 2, stream: true };
    expect(chat.request(body, request(undefined, { stream: true })).body).not.toHaveProperty('n');
  });

  it('maps tool_choice required to any, keeps a named function, and refuses anything else', () => {
    const body = (tool_choice: unknown) =>
      ({ messages: [{ role: 'user' as const, content: 'Hi' }], tool_choice }) as ChatCompletionRequest;
    expect(chat.request(body('required'), request()).body).toMatchObject({ tool_choice: 'any' });
    expect(chat.request(body('auto'), request()).body).toMatchObject({ tool_choice: 'auto' });
    expect(chat.request(body({ type: 'function', function: { name: 'f' } }), request()).body).toMatchObject({
      tool_choice: { type: 'function', function: { name: 'f' } },
    });
    expect(() => chat.request(body({ type: 'allowed_tools' }), request())).toThrow(TranslationError);
  });

  it('sends function tools with parameters always set, and refuses other tools', () => {
    const body = {
      messages: [{ role: 'user' as const, content: 'Hi' }],
      tools: [
        { type: 'function' as const, function: { name: 'now', strict: true } },
        {
          type: 'function' as const,
          function: { name: 'f', description: 'd', parameters: { type: 'object' } },
        },
      ],
    };
    expect(chat.request(body, request()).body).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'now', parameters: { type: 'object', properties: {} }, strict: true },
        },
        { type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' } } },
      ],
    });
    expect(() =>
      chat.request(
        { ...body, tools: [{ type: 'custom', custom: { name: 'x' } }] } as unknown as ChatCompletionRequest,
        request(),
      ),
    ).toThrow(
      new TranslationError(
        'only function tools ({"type":"function","function":{...}}) are supported by mistral',
      ),
    );
  });

  it("maps an earlier turn's OpenAI tool-call ids to Mistral's, the same in the call and in its result", () => {
    const openAiId = 'call_PTLP8xhu3uwZk4l3nlnrrJha';
    const body: ChatCompletionRequest = {
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: openAiId,
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            { id: 'D681PevKs', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: openAiId, content: '3 °C' },
        { role: 'tool', tool_call_id: 'D681PevKs', content: '14:05' },
      ],
    };
    const mapped = mistralToolCallId(openAiId);
    expect(mapped).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(chat.request(body, request()).body).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: mapped, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'D681PevKs', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: mapped, name: 'get_weather', content: '3 °C' },
        { role: 'tool', tool_call_id: 'D681PevKs', name: 'get_time', content: '14:05' },
      ],
    });
    expect((chat.request(body, request()).body as { messages: object[] }).messages[2]).not.toHaveProperty(
      'refusal',
    );
  });

  it('gives different ids different Mistral ids, and keeps ids Mistral gave', () => {
    expect(mistralToolCallId('call_1')).not.toBe(mistralToolCallId('call_2'));
    expect(mistralToolCallId('aB3xK9mP2')).toBe('aB3xK9mP2');
  });

  it('sends image and audio parts in Mistral form, and refuses files', () => {
    const body: ChatCompletionRequest = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          ],
        },
      ],
    };
    expect(chat.request(body, request()).body).toMatchObject({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'input_audio', input_audio: 'UklGRg==' },
          ],
        },
      ],
    });
    const file: ChatCompletionRequest = {
      messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }],
    };
    expect(() => chat.request(file, request())).toThrow(
      new TranslationError("mistral takes text, image_url and input_audio parts, not 'file'"),
    );
  });
});

describe('Mistral chat answers', () => {
  const answer = (
    choice: object,
    usage: object = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
  ) => ({
    id: 'cmpl-e5cc70bb28c444948073e77776eb30ef',
    object: 'chat.completion',
    created: 1702256327,
    model: 'mistral-small-latest',
    choices: [{ index: 0, ...choice }],
    usage,
  });

  it('gives tool calls their type and JSON-text arguments, and says tool_calls', () => {
    const translated = chat.response(
      answer({
        message: {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'D681PevKs', function: { name: 'get_weather', arguments: { city: 'Oslo' } }, index: 0 },
          ],
        },
        finish_reason: 'tool_calls',
      }),
      request(),
    );
    expect(translated.body).toMatchObject({
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: '',
            tool_calls: [
              {
                id: 'D681PevKs',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
        },
      ],
    });
    expect(translated.finishReasons).toEqual(['tool_calls']);
  });

  it('says length for model_length, joins text chunks without thinking, and reads cached tokens', () => {
    const translated = chat.response(
      answer(
        {
          message: {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: [{ type: 'text', text: 'Hmm.' }] },
              { type: 'text', text: 'Two.' },
            ],
          },
          finish_reason: 'model_length',
        },
        { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12, num_cached_tokens: 4 },
      ),
      request(),
    );
    expect(translated.body).toMatchObject({
      choices: [{ message: { content: 'Two.' }, finish_reason: 'length' }],
    });
    expect(translated.usage).toEqual({
      prompt_tokens: 9,
      completion_tokens: 3,
      total_tokens: 12,
      prompt_tokens_details: { cached_tokens: 4 },
    });
  });

  it('fails a failed generation (finish_reason error) instead of answering it as finished', () => {
    expect(() =>
      chat.response(
        answer({ message: { role: 'assistant', content: 'Tw' }, finish_reason: 'error' }),
        request(),
      ),
    ).toThrow(new TranslationError('mistral reported a failed generation (finish_reason error)'));
  });

  it("fails with Kong's message for a body without choices", () => {
    expect(() => chat.response({ object: 'error' }, request())).toThrow(
      new TranslationError("'choices' not in llm/v1/chat response"),
    );
  });
});
