import { CohereClient, CohereError } from 'cohere-ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEARER_AUTH, ndjsonLines, postJson } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT, MOCK_PROVIDER_API_KEY } from './mock-provider.types.js';

// Kong's translation of [system, user, assistant, user] messages.
const CHAT = {
  model: 'command-r',
  preamble: 'You are terse.',
  chat_history: [
    { role: 'USER', message: 'Hello there' },
    { role: 'CHATBOT', message: 'Hi!' },
  ],
  message: 'What is 1 + 1?',
  p: 0.9,
  k: 40,
  temperature: 0.5,
};
// 3 (preamble) + 2 + 1 (history) + 5 (message) words; the default reply has 8.
const INPUT_TOKENS = 11;
const OUTPUT_TOKENS = 8;
const BILLED_UNITS = { input_tokens: INPUT_TOKENS, output_tokens: OUTPUT_TOKENS };

describe('Cohere mock provider', () => {
  let mock: MockProviderServer;

  beforeAll(async () => {
    mock = await startMockProvider('cohere');
  });
  beforeEach(() => mock.reset());
  afterAll(() => mock.close());

  it('answers /v1/chat with the v1 chat response: text, chat_history, finish_reason and billed units', async () => {
    const response = await postJson(`${mock.url}/v1/chat`, CHAT, BEARER_AUTH);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      response_id: expect.any(String),
      text: DEFAULT_REPLY_TEXT,
      generation_id: expect.any(String),
      chat_history: [
        ...CHAT.chat_history,
        { role: 'USER', message: CHAT.message },
        { role: 'CHATBOT', message: DEFAULT_REPLY_TEXT },
      ],
      finish_reason: 'COMPLETE',
      meta: { api_version: { version: '1' }, billed_units: BILLED_UNITS, tokens: BILLED_UNITS },
    });
  });

  it('streams /v1/chat as NDJSON: stream-start, one text-generation per word, stream-end with the response', async () => {
    const response = await postJson(`${mock.url}/v1/chat`, { ...CHAT, stream: true }, BEARER_AUTH);

    expect(response.headers.get('content-type')).toBe('application/stream+json');
    const events = ndjsonLines(await response.text());
    expect(events[0]).toEqual({
      is_finished: false,
      event_type: 'stream-start',
      generation_id: expect.any(String),
    });
    const texts = events.slice(1, -1);
    expect(
      texts.every((event) => event.event_type === 'text-generation' && event.is_finished === false),
    ).toBe(true);
    expect(texts.map((event) => event.text).join('')).toBe(DEFAULT_REPLY_TEXT);
    expect(texts).toHaveLength(OUTPUT_TOKENS);
    expect(events.at(-1)).toMatchObject({
      is_finished: true,
      event_type: 'stream-end',
      finish_reason: 'COMPLETE',
      response: {
        text: DEFAULT_REPLY_TEXT,
        generation_id: events[0].generation_id,
        meta: { billed_units: BILLED_UNITS },
      },
    });
  });

  it('answers /v1/generate with generations and billed units, and reports MAX_TOKENS when max_tokens cuts it', async () => {
    const response = await postJson(
      `${mock.url}/v1/generate`,
      { prompt: 'Say it twice', max_tokens: 2 },
      BEARER_AUTH,
    );

    expect(await response.json()).toEqual({
      id: expect.any(String),
      generations: [{ id: expect.any(String), text: 'The answer', finish_reason: 'MAX_TOKENS' }],
      prompt: 'Say it twice',
      meta: { api_version: { version: '1' }, billed_units: { input_tokens: 3, output_tokens: 2 } },
    });
  });

  it('streams /v1/generate as NDJSON text lines and a final is_finished line with the response', async () => {
    const response = await postJson(
      `${mock.url}/v1/generate`,
      { prompt: 'Say it twice', stream: true },
      BEARER_AUTH,
    );

    const events = ndjsonLines(await response.text());
    expect(
      events.slice(0, -1).every((event) => event.is_finished === false && typeof event.text === 'string'),
    ).toBe(true);
    expect(
      events
        .slice(0, -1)
        .map((event) => event.text)
        .join(''),
    ).toBe(DEFAULT_REPLY_TEXT);
    expect(events.at(-1)).toMatchObject({
      is_finished: true,
      finish_reason: 'COMPLETE',
      response: {
        generations: [{ text: DEFAULT_REPLY_TEXT, finish_reason: 'COMPLETE' }],
        meta: { billed_units: { input_tokens: 3, output_tokens: OUTPUT_TOKENS } },
      },
    });
  });

  it('rejects a wrong key with 401 invalid api token, and a missing one with no api key supplied', async () => {
    const wrong = await postJson(`${mock.url}/v1/chat`, CHAT, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ message: 'invalid api token' });

    const missing = await postJson(`${mock.url}/v1/chat`, CHAT);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: 'no api key supplied' });
  });

  it('answers an unknown path with 404 and a chat body without message with 400, in Cohere error shape', async () => {
    const unknown = await postJson(`${mock.url}/v2/chat`, CHAT, BEARER_AUTH);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: expect.any(String) });

    const invalid = await postJson(`${mock.url}/v1/chat`, { chat_history: [] }, BEARER_AUTH);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ message: expect.stringMatching(/^invalid request: message/) });
  });

  describe("with Cohere's own SDK (cohere-ai, v1 client)", () => {
    const WEATHER_TOOL = {
      name: 'get_weather',
      description: 'The weather in a city now.',
      parameterDefinitions: { city: { type: 'str', description: 'The city.', required: true } },
    };
    const CALLS = [
      { name: 'get_weather', arguments: { city: 'Oslo' } },
      { name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } },
    ];
    let client: CohereClient;

    beforeAll(() => {
      client = new CohereClient({ token: MOCK_PROVIDER_API_KEY, environment: mock.url });
    });

    it('answers a chat with the tool calls the behaviour names, when the request declares tools', async () => {
      mock.setBehaviour({ replyText: '', toolCalls: CALLS });
      const answer = await client.chat({ message: 'Weather in Oslo and Paris?', tools: [WEATHER_TOOL] });
      expect(answer.text).toBe('');
      expect(answer.finishReason).toBe('COMPLETE');
      expect(answer.toolCalls).toEqual([
        { name: 'get_weather', parameters: { city: 'Oslo' } },
        { name: 'get_weather', parameters: { city: 'Paris', unit: 'celsius' } },
      ]);
      // Without tools, Cohere cannot call one: the reply is text.
      const plain = await client.chat({ message: 'Hi' });
      expect(plain.toolCalls).toBeUndefined();
    });

    it('streams tool calls as v1 does: tool-calls-chunk deltas (index, name, parameters text), then tool-calls-generation', async () => {
      mock.setBehaviour({ replyText: 'I will look.', toolCalls: CALLS });
      const stream = await client.chatStream({ message: 'Weather?', tools: [WEATHER_TOOL] });
      const events = [];
      for await (const event of stream) events.push(event);

      const types = events.map((event) => event.eventType);
      expect(types.slice(0, 1)).toEqual(['stream-start']);
      expect(new Set(types.slice(1, -2))).toEqual(new Set(['tool-calls-chunk']));
      expect(types.slice(-2)).toEqual(['tool-calls-generation', 'stream-end']);
      const chunks = events.flatMap((event) => (event.eventType === 'tool-calls-chunk' ? [event] : []));
      expect(chunks.flatMap((chunk) => (chunk.text ? [chunk.text] : [])).join('')).toBe('I will look.');
      const names = chunks.flatMap((chunk) => (chunk.toolCallDelta?.name ? [chunk.toolCallDelta] : []));
      expect(names).toEqual([
        { index: 0, name: 'get_weather' },
        { index: 1, name: 'get_weather' },
      ]);
      const parameters = (index: number) =>
        chunks
          .filter(
            (chunk) => chunk.toolCallDelta?.index === index && chunk.toolCallDelta.parameters !== undefined,
          )
          .map((chunk) => chunk.toolCallDelta!.parameters)
          .join('');
      expect(JSON.parse(parameters(1))).toEqual({ city: 'Paris', unit: 'celsius' });
      const generation = events.at(-2)!;
      expect(generation.eventType === 'tool-calls-generation' && generation.toolCalls).toEqual([
        { name: 'get_weather', parameters: { city: 'Oslo' } },
        { name: 'get_weather', parameters: { city: 'Paris', unit: 'celsius' } },
      ]);
    });

    it('answers a tool-results turn (empty message, results for declared tools) with text', async () => {
      const answer = await client.chat({
        message: '',
        tools: [WEATHER_TOOL],
        chatHistory: [
          { role: 'USER', message: 'Weather in Oslo?' },
          {
            role: 'CHATBOT',
            message: '',
            toolCalls: [{ name: 'get_weather', parameters: { city: 'Oslo' } }],
          },
        ],
        toolResults: [
          { call: { name: 'get_weather', parameters: { city: 'Oslo' } }, outputs: [{ temperature: 3 }] },
        ],
      });
      expect(answer.text).toBe(DEFAULT_REPLY_TEXT);
      expect(mock.lastRequest()!.body).toMatchObject({
        message: '',
        tool_results: [{ call: { name: 'get_weather' }, outputs: [{ temperature: 3 }] }],
      });
    });

    it("refuses a field Cohere does not know with Cohere's 422, at the top level and inside tools", async () => {
      const unknown = await postJson(
        `${mock.url}/v1/chat`,
        { message: 'Hi', stream: true, stream_options: { include_usage: true } },
        BEARER_AUTH,
      );
      expect(unknown.status).toBe(422);
      expect(await unknown.json()).toEqual({
        message:
          "unknown field: parameter 'stream_options' is not a valid field. For proper usage, please refer to https://docs.cohere.com/reference/chat",
      });
      const strict = await postJson(
        `${mock.url}/v1/chat`,
        { message: 'Hi', tools: [{ name: 'f', description: 'd', strict: true }] },
        BEARER_AUTH,
      );
      expect(strict.status).toBe(422);
      expect(await strict.json()).toHaveProperty('message', expect.stringContaining("parameter 'strict'"));
      const generate = await postJson(`${mock.url}/v1/generate`, { prompt: 'Hi', user: 'u-1' }, BEARER_AUTH);
      expect(await generate.json()).toEqual({
        message:
          "unknown field: parameter 'user' is not a valid field. For proper usage, please refer to https://docs.cohere.com/reference/generate",
      });
      // The SDK surfaces it as Cohere's error.
      const error = await client
        .chat({ message: 'Hi', logprobs: true } as never)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CohereError);
      expect((error as CohereError).statusCode).toBe(422);
    });

    it('refuses tool results without tools, for an undeclared tool, or whose outputs are not a list of objects, and history turns without a message', async () => {
      const call = { name: 'get_weather', parameters: { city: 'Oslo' } };
      const tools = [{ name: 'get_weather', description: 'd' }];
      const refused = async (body: object, message: string) => {
        const response = await postJson(`${mock.url}/v1/chat`, { message: '', ...body }, BEARER_AUTH);
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ message: `invalid request: ${message}` });
      };
      await refused(
        { tool_results: [{ call, outputs: [{ t: 3 }] }] },
        'tool_results cannot be used without tools.',
      );
      await refused(
        { tools, tool_results: [{ call: { ...call, name: 'other' }, outputs: [] }] },
        'tool_results reference an unknown tool other.',
      );
      await refused(
        { tools, tool_results: [{ call, outputs: '3 degrees' }] },
        'the outputs of each tool result must be a list of objects.',
      );
      await refused(
        {
          tools,
          chat_history: [{ role: 'CHATBOT', tool_calls: [call] }],
          tool_results: [{ call, outputs: [] }],
        },
        'all elements in history must have a message.',
      );
    });
  });
});
