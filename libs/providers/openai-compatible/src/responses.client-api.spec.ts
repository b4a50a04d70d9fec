import { GatewayError, TranslationError } from '@switchyard/plugin-api';
import type { ClientStreamEvent, ResolvedModel, StreamStep } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { translateOpenAiResponse } from './openai.response.js';
import { createOpenAiStreamTranslator } from './openai.stream.js';
import { responsesClientApi } from './responses.client-api.js';

const model: ResolvedModel = { provider: 'anthropic', name: 'claude-haiku-4-5', options: {} };
const request = makeProviderRequest(model, { stream: true, clientWantsUsage: true });
const api = responsesClientApi;
const pivot = api.pivot!;

describe('the Responses API as a client API: requests', () => {
  it('turns instructions, messages, function calls and their outputs into chat messages', () => {
    const chat = pivot.toOpenAi(
      {
        model: 'claude-haiku-4-5',
        instructions: 'Be brief.',
        input: [
          { role: 'developer', content: 'Answer in French.' },
          {
            type: 'message',
            role: 'user',
            content: [
              { type: 'input_text', text: 'Weather in Oslo? Look:' },
              { type: 'input_image', image_url: 'https://img.test/oslo.png', detail: 'low' },
            ],
          },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { type: 'function_call', call_id: 'call_2', name: 'get_time', arguments: '{}' },
          { type: 'reasoning', id: 'rs_1', encrypted_content: 'opaque' },
          { type: 'function_call_output', call_id: 'call_1', output: '21 degrees' },
          {
            type: 'function_call_output',
            call_id: 'call_2',
            output: [{ type: 'input_text', text: '14:00' }],
          },
        ],
        max_output_tokens: 100,
        temperature: 0.3,
        top_p: 0.8,
        reasoning: { effort: 'low', summary: 'auto' },
        store: false,
        include: ['reasoning.encrypted_content'],
        stream: true,
      },
      'llm/v1/responses',
    );
    expect(chat).toEqual({
      model: 'claude-haiku-4-5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Answer in French.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Oslo? Look:' },
            { type: 'image_url', image_url: { url: 'https://img.test/oslo.png', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '21 degrees' },
        { role: 'tool', tool_call_id: 'call_2', content: '14:00' },
      ],
      max_tokens: 100,
      temperature: 0.3,
      top_p: 0.8,
      reasoning_effort: 'low',
      stream: true,
    });
  });

  it("turns flat function tools, tool_choice and text.format into chat's shapes", () => {
    const chat = pivot.toOpenAi(
      {
        input: 'hi',
        tools: [
          { type: 'function', name: 'f', description: 'd', parameters: { type: 'object' }, strict: true },
        ],
        tool_choice: { type: 'function', name: 'f' },
        parallel_tool_calls: false,
        text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      },
      'llm/v1/responses',
    );
    expect(chat).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
      },
    });
  });

  it.each([
    [{ previous_response_id: 'resp_1' }, "field 'previous_response_id' needs stored responses"],
    [{ store: true }, 'store: true keeps the response for later retrieval'],
    [{ background: true }, 'background: true answers later from a stored response'],
    [{ tools: [{ type: 'file_search' }] }, "tools[0]: tool type 'file_search' runs on OpenAI only"],
    [
      { input: [{ type: 'item_reference', id: 'msg_1' }] },
      'input[0]: item_reference needs the stored response',
    ],
    [
      { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] },
      'file_id is OpenAI',
    ],
    [{ modalities: ['text'] }, "field 'modalities' cannot be sent to another provider"],
  ])('refuses what only OpenAI can serve: %j', (fields, message) => {
    const translate = () => pivot.toOpenAi({ input: 'hi', ...fields }, 'llm/v1/responses');
    expect(translate).toThrow(TranslationError);
    expect(translate).toThrow(message);
  });

  it("answers OpenAI's 400 for a body without input, and reads the model and stream flag", () => {
    expect(() => api.read({ model: 'm' }, '/v1/responses')).toThrow(
      new GatewayError(400, "Missing required parameter: 'input'."),
    );
    expect(api.read({ model: 'm', input: 'hi', stream: true }, '/v1/responses')).toEqual({
      model: 'm',
      stream: true,
    });
  });
});

describe('the Responses API as a client API: answers', () => {
  it('makes a whole chat answer a response with message and function_call items, status and usage', () => {
    const chat = {
      id: 'chatcmpl-1',
      created: 1700000000,
      model: 'claude-haiku-4-5',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me look.',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
    };
    const answer = pivot.fromOpenAiResponse(translateOpenAiResponse(chat, request), request);
    expect(answer.usage).toEqual({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    expect(answer.id).toBe('chatcmpl-1');
    expect(answer.body).toMatchObject({
      object: 'response',
      created_at: 1700000000,
      status: 'completed',
      incomplete_details: null,
      model: 'claude-haiku-4-5',
      output: [
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me look.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"a":1}', status: 'completed' },
      ],
      usage: { input_tokens: 9, output_tokens: 4, total_tokens: 13 },
    });
  });

  it('says incomplete with max_output_tokens for an answer cut at its length', () => {
    const chat = {
      choices: [{ index: 0, message: { role: 'assistant', content: 'Partial' }, finish_reason: 'length' }],
    };
    const answer = pivot.fromOpenAiResponse(translateOpenAiResponse(chat, request), request);
    expect(answer.body).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });
});

describe('the Responses API as a client API: streams', () => {
  const chunk = (delta: object, finish: string | null = null) =>
    JSON.stringify({
      id: 'c',
      model: 'claude-haiku-4-5',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });

  function run(frames: readonly string[]): { steps: StreamStep[]; events: Record<string, unknown>[] } {
    const adapter = pivot.createStreamAdapter(createOpenAiStreamTranslator(request), request);
    const steps = frames.map((data) => adapter.translate({ data }));
    const events = steps.flatMap((step) =>
      step.events.map((event: ClientStreamEvent) => {
        const named = event as { event: string; data: string };
        const data = JSON.parse(named.data) as Record<string, unknown>;
        expect(data.type).toBe(named.event);
        return data;
      }),
    );
    return { steps, events };
  }

  it('writes numbered Responses events as the chat chunks come, text then tool calls, and completes with usage', () => {
    const { steps, events } = run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hi' }),
      chunk({ content: ' there' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
      chunk({}, 'tool_calls'),
      JSON.stringify({
        id: 'c',
        choices: [],
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      }),
      '[DONE]',
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    // Incremental: the response opens with the first chunk, and each delta leaves with the chunk that carried it.
    expect(steps.map((step) => step.events.length)).toEqual([2, 3, 1, 5, 1, 0, 0, 3]);
    expect(events[12]).toMatchObject({ output_index: 1, name: 'f', arguments: '{"a":1}' });
    expect(events.at(-1)).toMatchObject({
      response: {
        status: 'completed',
        output: [
          { type: 'message', content: [{ type: 'output_text', text: 'Hi there' }] },
          { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"a":1}' },
        ],
        usage: { input_tokens: 5, output_tokens: 3, total_tokens: 8 },
      },
    });
    expect(steps.at(-1)).toMatchObject({ final: true });
    expect(steps.find((step) => step.usage)?.usage).toEqual({
      prompt_tokens: 5,
      completion_tokens: 3,
      total_tokens: 8,
    });
  });

  it('ends with a numbered error event on a failure the core finds', () => {
    const adapter = pivot.createStreamAdapter(createOpenAiStreamTranslator(request), request);
    adapter.translate({ data: chunk({ content: 'Hi' }) });
    const event = adapter.errorEvent?.('upstream stream failed: reset') as { event: string; data: string };
    expect(event.event).toBe('error');
    expect(JSON.parse(event.data)).toEqual({
      type: 'error',
      code: 'upstream_error',
      message: 'upstream stream failed: reset',
      param: null,
      sequence_number: 5,
    });
  });
});
