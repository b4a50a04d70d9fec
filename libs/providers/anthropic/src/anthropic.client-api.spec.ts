import { GatewayError, TranslationError } from '@switchyard/plugin-api';
import type { ClientStreamEvent, StreamStep, StreamTranslator } from '@switchyard/plugin-api';
import {
  createOpenAiStreamTranslator,
  translateOpenAiResponse,
} from '@switchyard/provider-openai-compatible';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { anthropicProvider } from './anthropic.provider.js';

const api = anthropicProvider.clientApi!;
/** The request the pivot hands the target's OpenAI entry. */
const openAiRequest = makeProviderRequest(
  { provider: 'openai', name: 'gpt-4o-mini', options: {} },
  { stream: true, wantsUsage: true, clientWantsUsage: true },
);

const TOOLS = [
  {
    name: 'get_weather',
    description: 'The weather in a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } } },
  },
];

/** Every named event's type and payload, in order. */
function events(steps: readonly StreamStep[]): Array<Record<string, unknown>> {
  return steps.flatMap((step) =>
    step.events.map((event: ClientStreamEvent) => {
      if (typeof event === 'string') throw new Error(`unnamed event ${event}`);
      const data = JSON.parse(event.data) as Record<string, unknown>;
      expect(data.type).toBe(event.event);
      return data;
    }),
  );
}

/** OpenAI chunks (as `data:` payloads) through the target's OpenAI translator and the Anthropic adapter. */
function pivotStream(chunks: readonly unknown[]): StreamStep[] {
  const adapter: StreamTranslator = api.pivot!.createStreamAdapter(
    createOpenAiStreamTranslator(openAiRequest),
    openAiRequest,
  );
  return [...chunks, '[DONE]'].map((chunk) =>
    adapter.translate({ data: typeof chunk === 'string' ? chunk : JSON.stringify(chunk) }),
  );
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  model: 'gpt-4o-mini-2024',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const USAGE_CHUNK = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  choices: [],
  usage: {
    prompt_tokens: 40,
    completion_tokens: 7,
    total_tokens: 47,
    prompt_tokens_details: { cached_tokens: 30 },
  },
};

describe('the Anthropic Messages API as a client format', () => {
  describe('reads a request', () => {
    it('serves POST .../v1/messages under any route prefix, and nothing else', () => {
      expect(api.matches('/claude/v1/messages')).toBe(true);
      expect(api.matches('/v1/messages')).toBe(true);
      expect(api.matches('/claude/v1/models')).toBe(false);
      expect(api.matches('/claude/v1/messages/count_tokens')).toBe(false);
    });

    it('reads the model and the stream flag, and refuses a body without turns or with a bad max_tokens with 400', () => {
      expect(
        api.read(
          { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], stream: true },
          '/v1/messages',
        ),
      ).toEqual({
        model: 'm',
        stream: true,
      });
      const refusal = (body: Record<string, unknown>) => {
        try {
          api.read(body, '/v1/messages');
        } catch (error) {
          return error instanceof GatewayError ? [error.status, error.message] : error;
        }
        return undefined;
      };
      expect(refusal({ messages: [] })).toEqual([400, 'messages: at least one message is required']);
      expect(refusal({ messages: [{ role: 'user', content: 'x' }], max_tokens: 'ten' })).toEqual([
        400,
        'max_tokens: must be a positive integer',
      ]);
    });
  });

  describe('turns a request into an OpenAI chat request', () => {
    const body = {
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Use SI units.' },
      ],
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
      stream: true,
      tools: TOOLS,
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Let me look.', signature: 's' },
            { type: 'text', text: 'Looking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '21 degrees' }] },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    };

    it('maps system, turns, images, tool calls and results, tools, tool_choice and the stream usage', () => {
      const before = structuredClone(body);
      expect(api.pivot!.toOpenAi(body, 'llm/v1/chat')).toEqual({
        model: 'claude-haiku-4-5',
        max_tokens: 256,
        stop: ['END'],
        user: 'user-7',
        stream: true,
        stream_options: { include_usage: true },
        messages: [
          { role: 'system', content: 'Be brief.\n\nUse SI units.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Weather here?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            ],
          },
          {
            role: 'assistant',
            content: 'Looking.',
            tool_calls: [
              {
                id: 'toolu_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'toolu_1', content: '21 degrees' },
          { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
        ],
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'The weather in a city',
              parameters: TOOLS[0].input_schema,
            },
          },
        ],
        tool_choice: 'required',
        parallel_tool_calls: false,
      });
      // Translation never changes its input: a retry translates the same body again.
      expect(body).toEqual(before);
    });

    it('marks a failed tool result, and names a forced tool as OpenAI does', () => {
      const openAi = api.pivot!.toOpenAi(
        {
          messages: [
            {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: 't', content: 'boom', is_error: true }],
            },
          ],
          tools: TOOLS,
          tool_choice: { type: 'tool', name: 'get_weather' },
        },
        'llm/v1/chat',
      );
      expect(openAi.messages).toEqual([{ role: 'tool', tool_call_id: 't', content: 'Error: boom' }]);
      expect(openAi.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    });

    it.each([
      [{ messages: [], unknown_field: 1 }, "field 'unknown_field' cannot be sent to another provider"],
      [{ messages: [{ role: 'system', content: 'x' }] }, "messages[0].role must be 'user' or 'assistant'"],
      [
        { messages: [], tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
        "tools[0]: tool type 'web_search_20250305' runs at Anthropic only",
      ],
      [
        { messages: [{ role: 'user', content: [{ type: 'search_result', source: 'x' }] }] },
        "messages[0].content[0]: content block type 'search_result' cannot be sent to another provider",
      ],
    ])('refuses what no other provider can take: %j', (request, message) => {
      expect(() => api.pivot!.toOpenAi(request, 'llm/v1/chat')).toThrow(new TranslationError(message));
    });
  });

  it('turns a whole OpenAI answer into an Anthropic message, keeping what analytics read', () => {
    const answer = translateOpenAiResponse(
      {
        id: 'chatcmpl-9',
        object: 'chat.completion',
        model: 'gpt-4o-mini-2024',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: 'Checking.',
              tool_calls: [
                {
                  id: 'call_1',
                  type: 'function',
                  function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
                },
              ],
            },
          },
        ],
        usage: {
          prompt_tokens: 40,
          completion_tokens: 7,
          total_tokens: 47,
          prompt_tokens_details: { cached_tokens: 30 },
        },
      },
      openAiRequest,
    );
    const translated = api.pivot!.fromOpenAiResponse(answer, openAiRequest);
    expect(translated.body).toEqual({
      id: 'chatcmpl-9',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini-2024',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      // Anthropic counts cache reads apart from the input tokens; OpenAI counts them in prompt_tokens.
      usage: { input_tokens: 10, output_tokens: 7, cache_read_input_tokens: 30 },
    });
    expect(translated).toMatchObject({
      id: 'chatcmpl-9',
      model: 'gpt-4o-mini-2024',
      usage: { prompt_tokens: 40, completion_tokens: 7, total_tokens: 47 },
      finishReasons: ['tool_calls'],
    });
  });

  describe('turns an OpenAI stream into Anthropic events, as the chunks come', () => {
    it('text, then two tool calls with their arguments as input_json_delta, then the stop reason and the whole usage', () => {
      const steps = pivotStream([
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Let me ' }),
        chunk({ content: 'check.' }),
        chunk({
          tool_calls: [
            { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
        chunk({
          tool_calls: [
            { index: 1, id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        }),
        chunk({}, 'tool_calls'),
        USAGE_CHUNK,
      ]);
      expect(events(steps)).toEqual([
        {
          type: 'message_start',
          message: {
            id: 'chatcmpl-1',
            type: 'message',
            role: 'assistant',
            model: 'gpt-4o-mini-2024',
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'check.' } },
        { type: 'content_block_stop', index: 0 },
        {
          type: 'content_block_start',
          index: 1,
          content_block: { type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} },
        },
        {
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '{"city":' },
        },
        {
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '"Oslo"}' },
        },
        { type: 'content_block_stop', index: 1 },
        {
          type: 'content_block_start',
          index: 2,
          content_block: { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
        },
        { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
        { type: 'content_block_stop', index: 2 },
        {
          type: 'message_delta',
          delta: { stop_reason: 'tool_use', stop_sequence: null },
          usage: { input_tokens: 10, output_tokens: 7, cache_read_input_tokens: 30 },
        },
        { type: 'message_stop' },
      ]);
      // What the analytics read is the OpenAI side's, untouched.
      expect(steps.map((step) => step.text).join('')).toBe('Let me check.');
      expect(steps.find((step) => step.usage)?.usage).toMatchObject({
        prompt_tokens: 40,
        completion_tokens: 7,
      });
      expect(steps.at(-1)?.final).toBe(true);
    });

    it('keeps the state of each stream to itself', () => {
      const first = pivotStream([chunk({ content: 'a' }), chunk({}, 'stop')]);
      const second = pivotStream([chunk({ content: 'b' }), chunk({}, 'length')]);
      expect(events(first).map((event) => event.type)).toEqual(events(second).map((event) => event.type));
      expect(events(second).find((event) => event.type === 'message_delta')).toMatchObject({
        delta: { stop_reason: 'max_tokens' },
      });
    });

    it("ends with Anthropic's error event when the provider fails inside the stream", () => {
      const failing: StreamTranslator = {
        contentType: 'text/event-stream',
        translate: () => ({
          events: ['{"error":{"message":"Too many requests","type":"rate_limit_error"}}'],
          error: 'Too many requests',
        }),
      };
      const step = api.pivot!.createStreamAdapter(failing, openAiRequest).translate({ data: 'x' });
      expect(step.error).toBe('Too many requests');
      expect(events([step])).toEqual([
        { type: 'error', error: { type: 'rate_limit_error', message: 'Too many requests' } },
      ]);
    });
  });

  it("writes errors in Anthropic's shape, typed by status", () => {
    expect(api.errorBody(400, 'bad')).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'bad' },
    });
    expect(api.errorBody(401, 'who')).toMatchObject({ error: { type: 'authentication_error' } });
    expect(api.errorBody(404, 'where')).toMatchObject({ error: { type: 'not_found_error' } });
    expect(api.errorBody(429, 'slow')).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect(api.errorBody(502, 'down')).toMatchObject({ error: { type: 'api_error' } });
    expect(api.errorBody(529, 'busy')).toMatchObject({ error: { type: 'overloaded_error' } });
    expect(api.streamErrorEvent('cut')).toEqual({
      event: 'error',
      data: '{"type":"error","error":{"type":"api_error","message":"cut"}}',
    });
  });
});
