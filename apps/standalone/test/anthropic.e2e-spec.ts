import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_PROVIDER_API_KEY,
  curlData,
  startMockProvider,
  startStandaloneGateway,
  waitUntilServed,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

const MODEL = 'claude-haiku-4-5';
const SYSTEM = 'You are a mathematician.';
const QUESTION: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: 'What is 1 + 1?' },
];
const TOOLS: OpenAI.ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
    },
  },
];
const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];
const EXPECTED_CALLS = [
  { id: 'toolu_call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
  {
    id: 'toolu_call_2',
    type: 'function',
    function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' },
  },
];
// "You are a mathematician." + "What is 1 + 1?": 4 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 9;
const REPLY_TOKENS = 8;
const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('Anthropic through the standalone gateway, driven by the official openai client', () => {
  let gateway: StandaloneGateway;
  let anthropic: MockProviderServer;
  let client: OpenAI;
  let completions: OpenAI;

  async function addRoute(name: string, config: string[]): Promise<void> {
    const route = await gateway.admin.form(
      'POST',
      '/services/llm/routes',
      curlData(`name=${name}`, `paths[]=/${name}`),
    );
    expect(route.status, route.text).toBe(201);
    const plugin = await gateway.admin.form(
      'POST',
      `/routes/${name}/plugins`,
      curlData(
        'name=ai-proxy',
        'config.auth.header_name=x-api-key',
        `config.auth.header_value=${MOCK_PROVIDER_API_KEY}`,
        'config.model.provider=anthropic',
        'config.model.options.anthropic_version=2023-06-01',
        ...config,
      ),
    );
    expect(plugin.status, plugin.text).toBe(201);
    await waitUntilServed(gateway.proxyUrl, `/${name}`);
  }

  beforeAll(async () => {
    anthropic = await startMockProvider('anthropic');
    gateway = await startStandaloneGateway();
    const service = await gateway.admin.form(
      'POST',
      '/services',
      curlData('name=llm', 'url=http://localhost:32000'),
    );
    expect(service.status, service.text).toBe(201);
    await addRoute('claude', [
      'config.route_type=llm/v1/chat',
      `config.model.name=${MODEL}`,
      'config.model.options.max_tokens=512',
      'config.logging.log_statistics=true',
      `config.model.options.upstream_url=${anthropic.url}/v1/messages`,
    ]);
    await addRoute('claude-complete', [
      'config.route_type=llm/v1/completions',
      'config.model.name=claude-2.1',
      `config.model.options.upstream_url=${anthropic.url}/v1/complete`,
    ]);
    // The gateway holds the Anthropic key; the client's is its own business.
    client = new OpenAI({ baseURL: `${gateway.proxyUrl}/claude`, apiKey: 'client-key', maxRetries: 0 });
    completions = new OpenAI({
      baseURL: `${gateway.proxyUrl}/claude-complete`,
      apiKey: 'client-key',
      maxRetries: 0,
    });
  }, 60_000);

  beforeEach(() => anthropic.reset());

  afterAll(async () => {
    await gateway?.stop();
    await anthropic?.close();
  });

  /** What the mock Anthropic received last: it has already checked the key, the version, the fields and the turns. */
  function received(): { path: string; headers: Record<string, unknown>; body: Record<string, unknown> } {
    const request = anthropic.lastRequest()!;
    return {
      path: request.path,
      headers: request.headers,
      body: request.body as Record<string, unknown>,
    };
  }

  it('answers a chat with a system prompt, Anthropic receiving it as system with the configured max_tokens', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: QUESTION,
      user: 'user-7',
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: DEFAULT_REPLY_TEXT },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: PROMPT_TOKENS,
        completion_tokens: REPLY_TOKENS,
        total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    expect(completion.id).toMatch(/^msg_/);
    const upstream = received();
    expect(upstream.path).toBe('/v1/messages');
    expect(upstream.headers['x-api-key']).toBe(MOCK_PROVIDER_API_KEY);
    expect(upstream.headers['anthropic-version']).toBe('2023-06-01');
    expect(upstream.body).toEqual({
      model: MODEL,
      stream: false,
      max_tokens: 512,
      system: SYSTEM,
      messages: [{ role: 'user', content: 'What is 1 + 1?' }],
      metadata: { user_id: 'user-7' },
    });
  });

  it('streams a chat without include_usage: every chunk has choices[0], and no usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: MODEL, messages: QUESTION, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.choices[0] !== undefined)).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe(DEFAULT_REPLY_TEXT);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(received().body).toMatchObject({ stream: true, max_tokens: 512 });
  });

  it('streams a chat with include_usage: the usage chunk comes last, and stream_options never reach Anthropic', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: QUESTION,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: PROMPT_TOKENS,
        completion_tokens: REPLY_TOKENS,
        total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
      },
    });
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
    expect(received().body).not.toHaveProperty('stream_options');
  });

  it('calls several tools in one answer, whole and streamed, with what real clients send', async () => {
    anthropic.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
    const request = {
      model: MODEL,
      messages: QUESTION,
      tools: TOOLS,
      tool_choice: 'auto' as const,
      parallel_tool_calls: false,
    };
    const completion = await client.chat.completions.create(request);
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { content: null, tool_calls: EXPECTED_CALLS },
    });
    expect(received().body).toMatchObject({
      tools: [
        {
          name: 'get_weather',
          description: 'The weather in a city',
          input_schema: TOOLS[0].function.parameters,
        },
        { name: 'get_time', input_schema: TOOLS[1].function.parameters },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });

    const streamed = await client.chat.completions.stream(request).finalChatCompletion();
    expect(streamed.choices[0].finish_reason).toBe('tool_calls');
    expect(streamed.choices[0].message.tool_calls).toEqual(EXPECTED_CALLS);
  });

  it("sends the tools' results back as tool_result blocks that Anthropic accepts", async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      tools: TOOLS,
      messages: [
        ...QUESTION,
        {
          role: 'assistant',
          content: null,
          tool_calls: EXPECTED_CALLS as OpenAI.ChatCompletionMessageToolCall[],
        },
        { role: 'tool', tool_call_id: 'toolu_call_1', content: '21 degrees' },
        { role: 'tool', tool_call_id: 'toolu_call_2', content: '14:00' },
      ],
    });
    expect(completion.choices[0].message.content).toBe(DEFAULT_REPLY_TEXT);
    expect((received().body.messages as unknown[]).at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_call_1', content: '21 degrees' },
        { type: 'tool_result', tool_use_id: 'toolu_call_2', content: '14:00' },
      ],
    });
  });

  it('sends images as base64 and URL sources', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: PIXEL } },
            { type: 'image_url', image_url: { url: 'https://example.test/cat.jpg', detail: 'low' } },
          ],
        },
      ],
    });
    expect(completion.choices[0].message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(received().body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL.split(',')[1] } },
          { type: 'image', source: { type: 'url', url: 'https://example.test/cat.jpg' } },
        ],
      },
    ]);
  });

  it("passes an overloaded_error in the middle of a stream on as OpenAI's error event, which the client throws", async () => {
    anthropic.setBehaviour({ streamErrorAfter: 1 });
    const stream = await client.chat.completions.create({ model: MODEL, messages: QUESTION, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const failure = await (async () => {
      try {
        for await (const chunk of stream) chunks.push(chunk);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(chunks.map((chunk) => chunk.choices[0].delta)).toEqual([{ role: 'assistant', content: '' }]);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure).toMatchObject({ message: 'Overloaded', error: { type: 'overloaded_error' } });
  });

  it('passes an Anthropic error answer through with its status and body', async () => {
    anthropic.setBehaviour({ status: 529 });
    const response = await fetch(`${gateway.proxyUrl}/claude/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: QUESTION }),
    });
    expect(response.status).toBe(529);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  it('answers completions whole and streamed through /v1/complete', async () => {
    const whole = await completions.completions.create({ model: 'claude-2.1', prompt: 'What is 1 + 1?' });
    expect(whole.choices[0]).toMatchObject({ text: DEFAULT_REPLY_TEXT, finish_reason: 'stop' });
    expect(received()).toMatchObject({
      path: '/v1/complete',
      body: { prompt: '\n\nHuman: What is 1 + 1?\n\nAssistant:', max_tokens_to_sample: 4096 },
    });
    const stream = await completions.completions.create({
      model: 'claude-2.1',
      prompt: 'What is 1 + 1?',
      stream: true,
    });
    const chunks: OpenAI.Completion[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0].text).join('')).toBe(DEFAULT_REPLY_TEXT);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
  });
});
