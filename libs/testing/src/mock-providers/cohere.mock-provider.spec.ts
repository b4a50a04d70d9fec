import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEARER_AUTH, ndjsonLines, postJson } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT } from './mock-provider.types.js';

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
});
