import { Ollama } from 'ollama';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEARER_AUTH, ndjsonLines, postJson } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT, MOCK_PROVIDER_API_KEY } from './mock-provider.types.js';

const MODEL = 'llama3.2';
const QUESTION = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'What is 1 + 1?' },
];
const PROMPT_TOKENS = 8;
const REPLY_TOKENS = 8;
const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
];
const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];

describe('Ollama mock server', () => {
  let mock: MockProviderServer;
  let client: Ollama;

  beforeAll(async () => {
    mock = await startMockProvider('ollama');
    client = new Ollama({ host: mock.url, headers: BEARER_AUTH });
  });
  beforeEach(() => mock.reset());
  afterAll(() => mock.close());

  it('answers /api/chat as the official client reads it, with the counts', async () => {
    const answer = await client.chat({ model: MODEL, messages: QUESTION });
    expect(answer).toMatchObject({
      model: MODEL,
      message: { role: 'assistant', content: DEFAULT_REPLY_TEXT },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: PROMPT_TOKENS,
      eval_count: REPLY_TOKENS,
    });
    expect(String(answer.created_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it('streams NDJSON lines the official client reads, the last one done with the counts', async () => {
    const parts = await client.chat({ model: MODEL, messages: QUESTION, stream: true });
    let text = '';
    let last: { done: boolean; eval_count: number } | undefined;
    for await (const part of parts) {
      text += part.message.content;
      last = part;
    }
    expect(text).toBe(DEFAULT_REPLY_TEXT);
    expect(last).toMatchObject({ done: true, eval_count: REPLY_TOKENS });
    const response = await postJson(
      `${mock.url}/api/chat`,
      { model: MODEL, messages: QUESTION },
      BEARER_AUTH,
    );
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(ndjsonLines(await response.text())).toHaveLength(REPLY_TOKENS + 1);
  });

  it('calls tools with object arguments, whole and one line per call in a stream, to a request that declares tools', async () => {
    mock.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
    const answer = await client.chat({ model: MODEL, messages: QUESTION, tools: TOOLS });
    expect(answer.message.tool_calls).toEqual([
      { function: { index: 0, name: 'get_weather', arguments: { city: 'Oslo' } } },
      { function: { index: 1, name: 'get_time', arguments: { zone: 'Europe/Oslo' } } },
    ]);
    const lines = [];
    for await (const part of await client.chat({
      model: MODEL,
      messages: QUESTION,
      tools: TOOLS,
      stream: true,
    }))
      lines.push(part);
    expect(lines.map((line) => line.message.tool_calls?.length ?? 0)).toEqual([1, 1, 0]);
    expect((await client.chat({ model: MODEL, messages: QUESTION })).message.tool_calls).toBeUndefined();
  });

  it('answers /api/generate with response and context, and done_reason length when num_predict cuts it', async () => {
    const answer = await client.generate({
      model: MODEL,
      prompt: 'What is 1 + 1?',
      options: { num_predict: 3 },
    });
    expect(answer).toMatchObject({
      response: 'The answer to',
      done_reason: 'length',
      context: [1, 2, 3],
      eval_count: 3,
    });
  });

  it("refuses what Ollama's decoder refuses: no model, arguments as a string", async () => {
    await expect(client.chat({ model: '', messages: QUESTION })).rejects.toMatchObject({
      status_code: 400,
      error: 'model is required',
    });
    const stringArguments = await postJson(
      `${mock.url}/api/chat`,
      {
        model: MODEL,
        stream: false,
        messages: [
          { role: 'assistant', content: '', tool_calls: [{ function: { name: 'f', arguments: '{"a":1}' } }] },
        ],
      },
      BEARER_AUTH,
    );
    expect(stringArguments.status).toBe(400);
    expect(((await stringArguments.json()) as { error: string }).error).toMatch(
      /^json: cannot unmarshal string into Go struct field/,
    );
  });

  it("ends a stream with Ollama's error line, and answers a missing key with 401", async () => {
    mock.setBehaviour({ streamErrorAfter: 2 });
    const response = await postJson(
      `${mock.url}/api/chat`,
      { model: MODEL, messages: QUESTION },
      BEARER_AUTH,
    );
    expect(ndjsonLines(await response.text()).at(-1)).toEqual({
      error: 'an error was encountered while running the model: unexpected EOF',
    });
    const unauthorized = await postJson(`${mock.url}/api/chat`, { model: MODEL, messages: QUESTION });
    expect([unauthorized.status, await unauthorized.json()]).toEqual([401, { error: 'unauthorized' }]);
    expect(MOCK_PROVIDER_API_KEY).not.toBe('');
  });
});
