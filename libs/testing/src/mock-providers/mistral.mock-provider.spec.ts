import { Mistral } from '@mistralai/mistralai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEARER_AUTH, postJson, sseData } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT, MOCK_PROVIDER_API_KEY } from './mock-provider.types.js';

const MODEL = 'mistral-small-latest';
const QUESTION = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'What is 1 + 1?' },
];
// "You are terse." + "What is 1 + 1?" = 3 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 8;
const REPLY_TOKENS = 8;
const TOOLS = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
];
const TOOL_CALLS = [{ name: 'get_weather', arguments: { city: 'Oslo' } }];

describe('Mistral mock provider', () => {
  let mock: MockProviderServer;
  let client: Mistral;

  beforeAll(async () => {
    mock = await startMockProvider('mistral');
    client = new Mistral({ apiKey: MOCK_PROVIDER_API_KEY, serverURL: mock.url });
  });
  beforeEach(() => mock.reset());
  afterAll(() => mock.close());

  it('answers a chat that the official client reads, counting words as tokens', async () => {
    const answer = await client.chat.complete({ model: MODEL, messages: QUESTION });
    expect(answer).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      choices: [
        { index: 0, message: { role: 'assistant', content: DEFAULT_REPLY_TEXT }, finishReason: 'stop' },
      ],
      usage: {
        promptTokens: PROMPT_TOKENS,
        completionTokens: REPLY_TOKENS,
        totalTokens: PROMPT_TOKENS + REPLY_TOKENS,
      },
    });
    expect(mock.lastRequest()!.headers.authorization).toBe(`Bearer ${MOCK_PROVIDER_API_KEY}`);
  });

  it('streams chunks that the official client reads, with the usage on the finish chunk and no stream_options asked', async () => {
    const stream = await client.chat.stream({ model: MODEL, messages: QUESTION });
    let text = '';
    const finishes: unknown[] = [];
    let usage: unknown;
    for await (const event of stream) {
      const choice = event.data.choices[0]!;
      if (typeof choice.delta.content === 'string') text += choice.delta.content;
      if (choice.finishReason) finishes.push(choice.finishReason);
      if (event.data.usage) usage = event.data.usage;
    }
    expect(text).toBe(DEFAULT_REPLY_TEXT);
    expect(finishes).toEqual(['stop']);
    expect(usage).toMatchObject({ promptTokens: PROMPT_TOKENS, completionTokens: REPLY_TOKENS });
  });

  it('calls tools with 9-character ids, whole and streamed (each call in one chunk, without type)', async () => {
    mock.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
    const answer = await client.chat.complete({
      model: MODEL,
      messages: QUESTION,
      tools: TOOLS,
      toolChoice: 'any',
    });
    const call = answer.choices[0]!.message!.toolCalls![0]!;
    expect(answer.choices[0]!.finishReason).toBe('tool_calls');
    expect(call.id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Oslo"}' });

    const response = await postJson(
      `${mock.url}/v1/chat/completions`,
      { model: MODEL, messages: QUESTION, tools: TOOLS, stream: true },
      BEARER_AUTH,
    );
    const chunks = sseData(await response.text());
    expect(chunks.at(-1)).toBe('[DONE]');
    const toolChunk = JSON.parse(chunks.find((data) => data.includes('tool_calls'))!);
    expect(toolChunk.choices[0].delta.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^[a-zA-Z0-9]{9}$/),
        function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
        index: 0,
      },
    ]);
  });

  it('answers tools only to a request that declares them', async () => {
    mock.setBehaviour({ replyText: 'No tools here.', toolCalls: TOOL_CALLS });
    const answer = await client.chat.complete({ model: MODEL, messages: QUESTION });
    expect(answer.choices[0]).toMatchObject({ finishReason: 'stop', message: { content: 'No tools here.' } });
  });

  it('refuses fields Mistral does not know with its 422, as OpenAI clients run into', async () => {
    const response = await postJson(
      `${mock.url}/v1/chat/completions`,
      {
        model: MODEL,
        messages: [{ role: 'user', content: 'Hi', name: 'ada' }],
        stream_options: { include_usage: true },
        user: 'u',
      },
      BEARER_AUTH,
    );
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      object: 'error',
      message: {
        detail: [
          {
            type: 'extra_forbidden',
            loc: ['body', 'stream_options'],
            msg: 'Extra inputs are not permitted',
            input: { include_usage: true },
          },
          {
            type: 'extra_forbidden',
            loc: ['body', 'user'],
            msg: 'Extra inputs are not permitted',
            input: 'u',
          },
          {
            type: 'extra_forbidden',
            loc: ['body', 'messages', 0, 'user', 'name'],
            msg: 'Extra inputs are not permitted',
            input: 'ada',
          },
        ],
      },
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
  });

  it("refuses an OpenAI tool-call id with Mistral's 400", async () => {
    const messages = [
      { role: 'user' as const, content: 'Weather in Oslo?' },
      {
        role: 'assistant' as const,
        content: '',
        toolCalls: [
          {
            id: 'call_PTLP8xhu3uwZk4l3nlnrrJha',
            type: 'function' as const,
            function: { name: 'get_weather', arguments: '{}' },
          },
        ],
      },
      { role: 'tool' as const, toolCallId: 'call_PTLP8xhu3uwZk4l3nlnrrJha', content: '3 °C' },
    ];
    await expect(client.chat.complete({ model: MODEL, messages })).rejects.toMatchObject({
      statusCode: 400,
      body: expect.stringContaining(
        'Tool call id was call_PTLP8xhu3uwZk4l3nlnrrJha but must be a-z, A-Z, 0-9, with a length of 9.',
      ),
    });
  });

  it('refuses a conversation that ends with the assistant, and a wrong key', async () => {
    const last = await postJson(
      `${mock.url}/v1/chat/completions`,
      {
        model: MODEL,
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
        ],
      },
      BEARER_AUTH,
    );
    expect(last.status).toBe(400);
    expect(await last.json()).toMatchObject({ type: 'invalid_request_message_order' });
    const unauthorized = await postJson(
      `${mock.url}/v1/chat/completions`,
      { model: MODEL, messages: QUESTION },
      { authorization: 'Bearer nope' },
    );
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ message: 'Unauthorized' });
  });
});
