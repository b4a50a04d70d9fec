import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEARER_AUTH, postJson, sseData } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT, MOCK_PROVIDER_API_KEY } from './mock-provider.types.js';

const MESSAGES = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'What is 1 + 1?' },
] as const;
// "You are terse." + "What is 1 + 1?" = 3 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 8;
const REPLY_TOKENS = 8;

describe('OpenAI mock provider', () => {
  let mock: MockProviderServer;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockProvider('openai');
    client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: MOCK_PROVIDER_API_KEY, maxRetries: 0 });
  });
  beforeEach(() => mock.reset());
  afterAll(() => mock.close());

  it('answers a chat completion that the official client reads, echoing the model and counting words as tokens', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [...MESSAGES],
    });

    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        { index: 0, message: { role: 'assistant', content: DEFAULT_REPLY_TEXT }, finish_reason: 'stop' },
      ],
      usage: {
        prompt_tokens: PROMPT_TOKENS,
        completion_tokens: REPLY_TOKENS,
        total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
      },
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.created).toBeCloseTo(Date.now() / 1000, -1);
  });

  it('calls tools when told to, whole and streamed, as the official client reads them', async () => {
    const toolCalls = [
      { name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } },
      { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
    ];
    mock.setBehaviour({ replyText: '', toolCalls });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [...MESSAGES],
    });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo","unit":"celsius"}' },
          },
          {
            id: 'call_2',
            type: 'function',
            function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' },
          },
        ],
      },
    });

    const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [...MESSAGES] });
    const streamed = await stream.finalChatCompletion();
    expect(streamed.choices[0]?.finish_reason).toBe('tool_calls');
    expect(streamed.choices[0]?.message.tool_calls).toEqual(completion.choices[0]?.message.tool_calls);
  });

  it('streams a chat completion: role chunk, one chunk per word, finish chunk, usage chunk, [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [...MESSAGES],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    const content = chunks.slice(1, -2).map((chunk) => chunk.choices[0].delta.content);
    expect(content).toEqual(['The', ' answer', ' to', ' 1', ' +', ' 1', ' is', ' 2.']);
    expect(chunks.at(-2)!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: PROMPT_TOKENS,
        completion_tokens: REPLY_TOKENS,
        total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
      },
    });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(
      chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'gpt-4o-mini'),
    ).toBe(true);
  });

  it('frames the stream as single-line data events ending with data: [DONE], and sends no usage unless asked', async () => {
    const response = await postJson(
      `${mock.url}/v1/chat/completions`,
      { model: 'gpt-4o', messages: MESSAGES, stream: true },
      BEARER_AUTH,
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = sseData(await response.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((payload) => JSON.parse(payload) as Record<string, unknown>);
    expect(chunks).toHaveLength(1 + REPLY_TOKENS + 1);
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
  });

  it('cuts the reply at max_tokens and reports finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [...MESSAGES],
      max_tokens: 3,
    });

    expect(completion.choices[0]).toMatchObject({
      message: { content: 'The answer to' },
      finish_reason: 'length',
    });
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it('answers a legacy completion as text_completion, streamed as text_completion chunks', async () => {
    const completion = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say it twice',
    });
    expect(completion).toMatchObject({
      object: 'text_completion',
      model: 'gpt-3.5-turbo-instruct',
      choices: [{ index: 0, text: DEFAULT_REPLY_TEXT, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: REPLY_TOKENS, total_tokens: 3 + REPLY_TOKENS },
    });

    const stream = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say it twice',
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe(DEFAULT_REPLY_TEXT);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      object: 'text_completion',
      choices: [],
      usage: { completion_tokens: REPLY_TOKENS },
    });
  });

  it('rejects a wrong key with 401 invalid_api_key in OpenAI error shape', async () => {
    const response = await postJson(
      `${mock.url}/v1/chat/completions`,
      { model: 'gpt-4o', messages: MESSAGES },
      { authorization: 'Bearer sk-wrong-key-1234' },
    );

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringMatching(
          /^Incorrect API key provided: sk-\*+1234\. You can find your API key at /,
        ),
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    const wrongClient = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(
      wrongClient.chat.completions.create({ model: 'gpt-4o', messages: [...MESSAGES] }),
    ).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
  });

  it('rejects a request without a key with 401 and a null code', async () => {
    const response = await postJson(`${mock.url}/v1/chat/completions`, {
      model: 'gpt-4o',
      messages: MESSAGES,
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      error: {
        message: expect.stringMatching(/^You didn't provide an API key/),
        type: 'invalid_request_error',
        code: null,
      },
    });
  });

  it('answers an unknown path with 404 unknown_url', async () => {
    const response = await postJson(
      `${mock.url}/v1/chat/completion`,
      { model: 'gpt-4o', messages: MESSAGES },
      BEARER_AUTH,
    );

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { message: expect.stringContaining('POST /v1/chat/completion.'), code: 'unknown_url' },
    });
  });

  it('answers a chat body without messages with 400 missing_required_parameter', async () => {
    const response = await postJson(
      `${mock.url}/v1/chat/completions`,
      { model: 'gpt-4o', prompt: 'hi' },
      BEARER_AUTH,
    );

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        message: "Missing required parameter: 'messages'.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'missing_required_parameter',
      },
    });
  });

  describe('the Responses API (/v1/responses)', () => {
    it('answers responses.create with a message item and usage in input/output tokens', async () => {
      const response = await client.responses.create({
        model: 'gpt-4.1-mini',
        instructions: 'You are terse.',
        input: 'What is 1 + 1?',
      });
      expect(response).toMatchObject({
        object: 'response',
        status: 'completed',
        model: 'gpt-4.1-mini',
        usage: { input_tokens: PROMPT_TOKENS, output_tokens: REPLY_TOKENS },
      });
      expect(response.output_text).toBe(DEFAULT_REPLY_TEXT);
    });

    it('streams numbered named events that end with response.completed, function calls included', async () => {
      mock.setBehaviour({ toolCalls: [{ name: 'get_time', arguments: { zone: 'UTC' } }] });
      const stream = client.responses.stream({ model: 'gpt-4.1-mini', input: 'What time is it?' });
      const sequence: number[] = [];
      for await (const event of stream) sequence.push(event.sequence_number);
      const response = await stream.finalResponse();
      expect(sequence).toEqual(sequence.map((_, index) => index));
      expect(response.output_text).toBe(DEFAULT_REPLY_TEXT);
      expect(response.output[1]).toMatchObject({
        type: 'function_call',
        name: 'get_time',
        arguments: '{"zone":"UTC"}',
      });
    });

    it.each([
      [{ input: 'hi', max_tokens: 5 }, 'max_tokens', "this parameter has moved to 'max_output_tokens'"],
      [{ input: 'hi', tools: [{ type: 'function', function: { name: 'f' } }] }, 'tools[0].name', 'Missing'],
      [{ messages: [] }, 'messages', "this parameter has moved to 'input'"],
      [{}, 'input', "Missing required parameter: 'input'."],
    ])('refuses what OpenAI refuses: %j', async (fields, param, message) => {
      const response = await postJson(
        `${mock.url}/v1/responses`,
        { model: 'gpt-4.1-mini', ...fields },
        BEARER_AUTH,
      );
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { param: string; message: string } };
      expect(body.error.param).toBe(param);
      expect(body.error.message).toContain(message);
    });
  });
});
