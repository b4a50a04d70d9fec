import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT, MOCK_PROVIDER_API_KEY } from './mock-provider.types.js';

const MODEL = 'claude-haiku-4-5';
const QUESTION = {
  model: MODEL,
  max_tokens: 256,
  system: 'You are terse.',
  messages: [{ role: 'user' as const, content: 'What is 1 + 1?' }],
};
// "You are terse." + "What is 1 + 1?" = 3 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 8;
const REPLY_TOKENS = 8;
const HEADERS = { 'x-api-key': MOCK_PROVIDER_API_KEY, 'anthropic-version': '2023-06-01' };
const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];

/** `event:` and `data:` of each event of an SSE body. */
function namedEvents(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .trimEnd()
    .split('\n\n')
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine.replace(/^event: /, ''), data: JSON.parse(dataLine.replace(/^data: /, '')) };
    });
}

describe('Anthropic mock provider', () => {
  let mock: MockProviderServer;
  let client: Anthropic;

  beforeAll(async () => {
    mock = await startMockProvider('anthropic');
    client = new Anthropic({ baseURL: mock.url, apiKey: MOCK_PROVIDER_API_KEY, maxRetries: 0 });
  });
  beforeEach(() => mock.reset());
  afterAll(() => mock.close());

  it('answers a message that the official client reads, counting words as tokens', async () => {
    const message = await client.messages.create(QUESTION);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: DEFAULT_REPLY_TEXT }],
      stop_reason: 'end_turn',
      usage: { input_tokens: PROMPT_TOKENS, output_tokens: REPLY_TOKENS, cache_read_input_tokens: 0 },
    });
    expect(message.id).toMatch(/^msg_[0-9a-f]{24}$/);
    const received = mock.lastRequest()!;
    expect(received.path).toBe('/v1/messages');
    // The official client sends the key as a bearer token; the gateway sends it where its config says.
    expect(received.headers.authorization).toBe(`Bearer ${MOCK_PROVIDER_API_KEY}`);
    expect(received.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('streams named events that the official client assembles into the same message', async () => {
    const stream = client.messages.stream(QUESTION);
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toMatchObject([{ type: 'text', text: DEFAULT_REPLY_TEXT }]);
    expect(message.usage).toMatchObject({ input_tokens: PROMPT_TOKENS, output_tokens: REPLY_TOKENS });
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      ...Array<string>(REPLY_TOKENS).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('frames each event as `event: <type>` and `data:`, with a ping', async () => {
    const response = await postJson(`${mock.url}/v1/messages`, { ...QUESTION, stream: true }, HEADERS);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = namedEvents(await response.text());
    expect(events.every(({ event, data }) => event === data.type)).toBe(true);
    expect(events.map(({ event }) => event)).toContain('ping');
  });

  it('calls several tools, whole and streamed, as the official client reads them', async () => {
    mock.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
    const message = await client.messages.create(QUESTION);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'toolu_call_1', name: 'get_weather', input: { city: 'Oslo', unit: 'celsius' } },
      { type: 'tool_use', id: 'toolu_call_2', name: 'get_time', input: { zone: 'Europe/Oslo' } },
    ]);
    const streamed = await client.messages.stream(QUESTION).finalMessage();
    expect(streamed.content).toEqual(message.content);
    expect(streamed.stop_reason).toBe('tool_use');
  });

  it('takes tool results that answer the previous turn, and refuses one that answers nothing', async () => {
    const call = { type: 'tool_use' as const, id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } };
    const result = { type: 'tool_result' as const, tool_use_id: 'toolu_1', content: '21 degrees' };
    const answered = await client.messages.create({
      ...QUESTION,
      messages: [
        ...QUESTION.messages,
        { role: 'assistant', content: [call] },
        { role: 'user', content: [result] },
      ],
    });
    expect(answered.content[0]).toMatchObject({ type: 'text' });
    await expect(
      client.messages.create({
        ...QUESTION,
        messages: [{ role: 'user', content: [{ ...result, tool_use_id: 'toolu_9' }] }],
      }),
    ).rejects.toMatchObject({
      status: 400,
      error: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: expect.stringMatching(
            /^messages\.0\.content\.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9\./,
          ),
        },
      },
    });
  });

  it('refuses turns that do not alternate, as Anthropic does', async () => {
    const response = await postJson(
      `${mock.url}/v1/messages`,
      { ...QUESTION, messages: [QUESTION.messages[0], QUESTION.messages[0]] },
      HEADERS,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message:
          'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
      },
    });
  });

  it('refuses fields it does not know and a missing max_tokens with 400 invalid_request_error', async () => {
    const extra = await postJson(`${mock.url}/v1/messages`, { ...QUESTION, stream_options: {} }, HEADERS);
    expect(extra.status).toBe(400);
    expect(await extra.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'stream_options: Extra inputs are not permitted' },
    });
    const { max_tokens: _required, ...unlimited } = QUESTION;
    const missing = await postJson(`${mock.url}/v1/messages`, unlimited, HEADERS);
    expect(await missing.json()).toMatchObject({ error: { message: 'max_tokens: Field required' } });
  });

  it('answers a wrong key with 401 authentication_error, which the official client reports', async () => {
    const wrong = new Anthropic({ baseURL: mock.url, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(wrong.messages.create(QUESTION)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const response = await postJson(`${mock.url}/v1/messages`, QUESTION, {
      'anthropic-version': '2023-06-01',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
    });
  });

  it('requires the anthropic-version header', async () => {
    const response = await postJson(`${mock.url}/v1/messages`, QUESTION, {
      'x-api-key': MOCK_PROVIDER_API_KEY,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { message: 'anthropic-version: header is required' },
    });
  });

  it('fails a stream with an overloaded_error event after message_start, which the official client throws', async () => {
    mock.setBehaviour({ streamErrorAfter: 1 });
    const response = await postJson(`${mock.url}/v1/messages`, { ...QUESTION, stream: true }, HEADERS);
    expect(response.status).toBe(200);
    expect(namedEvents(await response.text())).toEqual([
      expect.objectContaining({ event: 'message_start' }),
      { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
    ]);
    await expect(client.messages.stream(QUESTION).finalMessage()).rejects.toMatchObject({
      error: { error: { type: 'overloaded_error' } },
    });
  });

  it('answers /v1/complete whole and as completion events, checking the Human/Assistant prompt', async () => {
    const body = {
      model: 'claude-2.1',
      prompt: '\n\nHuman: What is 1 + 1?\n\nAssistant:',
      max_tokens_to_sample: 256,
    };
    const whole = await postJson(`${mock.url}/v1/complete`, body, HEADERS);
    expect(await whole.json()).toMatchObject({
      type: 'completion',
      completion: DEFAULT_REPLY_TEXT,
      stop_reason: 'stop_sequence',
      model: 'claude-2.1',
    });
    const streamed = await postJson(`${mock.url}/v1/complete`, { ...body, stream: true }, HEADERS);
    const events = namedEvents(await streamed.text()).filter(({ event }) => event === 'completion');
    expect(events.map(({ data }) => data.completion).join('')).toBe(DEFAULT_REPLY_TEXT);
    expect(events.at(-1)!.data.stop_reason).toBe('stop_sequence');
    const bare = await postJson(`${mock.url}/v1/complete`, { ...body, prompt: 'What is 1 + 1?' }, HEADERS);
    expect(await bare.json()).toMatchObject({
      error: { message: 'prompt must start with "\n\nHuman:" turn after an optional system prompt' },
    });
  });
});
