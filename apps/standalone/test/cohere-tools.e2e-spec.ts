import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
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

const TOOLS: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city now.',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
        required: ['city'],
        additionalProperties: false,
      },
      strict: true,
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      description: 'The time in a time zone.',
      parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
    },
  },
];
const CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];
const QUESTION: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are a travel assistant.' },
  { role: 'user', content: 'What is the weather in Oslo, and the time there?' },
];
// What the AI SDK, LangChain and the openai client send along with tools: Cohere refuses each.
const CLIENT_EXTRAS = { tool_choice: 'auto', parallel_tool_calls: true, user: 'user-1234' } as const;

/** The calls of an answer without their ids (which differ per answer), as `[name, parsed arguments]`. */
function namedCalls(toolCalls: OpenAI.Chat.Completions.ChatCompletionMessageToolCall[] | undefined) {
  return (toolCalls ?? []).map((call) =>
    call.type === 'function' ? [call.function.name, JSON.parse(call.function.arguments)] : [call.type],
  );
}

/** Tool calling and streaming on a Cohere route, driven by the official openai client. */
describe('Cohere tools and streams through the standalone gateway, with the openai client', () => {
  let gateway: StandaloneGateway;
  let cohere: MockProviderServer;
  let client: OpenAI;

  beforeAll(async () => {
    cohere = await startMockProvider('cohere');
    gateway = await startStandaloneGateway();
    const steps: [string, [string, string][]][] = [
      ['/services', curlData('name=cohere', 'url=http://localhost:32000')],
      ['/services/cohere/routes', curlData('name=cohere-chat', 'paths[]=~/cohere/chat/completions$')],
      [
        '/routes/cohere-chat/plugins',
        curlData(
          'name=ai-proxy',
          'config.route_type=llm/v1/chat',
          'config.auth.header_name=Authorization',
          `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
          'config.model.provider=cohere',
          'config.model.name=command-r',
          'config.logging.log_statistics=true',
          `config.model.options.upstream_url=${cohere.url}/v1/chat`,
        ),
      ],
    ];
    for (const [path, pairs] of steps) {
      const response = await gateway.admin.form('POST', path, pairs);
      expect(response.status, response.text).toBe(201);
    }
    await waitUntilServed(gateway.proxyUrl, '/cohere/chat/completions');
    client = new OpenAI({
      baseURL: `${gateway.proxyUrl}/cohere`,
      apiKey: 'unused-by-the-gateway',
      maxRetries: 0,
    });
  });
  beforeEach(() => cohere.reset());
  afterAll(async () => {
    await gateway?.stop();
    await cohere?.close();
  });

  it('returns Cohere tool calls as OpenAI tool_calls, having sent the tools as parameter_definitions', async () => {
    cohere.setBehaviour({ replyText: '', toolCalls: CALLS });
    const completion = await client.chat.completions.create({
      model: 'command-r',
      messages: QUESTION,
      tools: TOOLS,
      ...CLIENT_EXTRAS,
    });

    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(namedCalls(choice.message.tool_calls)).toEqual([
      ['get_weather', { city: 'Oslo', unit: 'celsius' }],
      ['get_time', { zone: 'Europe/Oslo' }],
    ]);
    const ids = (choice.message.tool_calls ?? []).map((call) => call.id);
    expect(ids).toEqual([`call_${completion.id}_0`, `call_${completion.id}_1`]);
    expect(cohere.lastRequest()!.body).toEqual({
      model: 'command-r',
      stream: false,
      preamble: 'You are a travel assistant.',
      message: 'What is the weather in Oslo, and the time there?',
      tools: [
        {
          name: 'get_weather',
          description: 'The weather in a city now.',
          parameter_definitions: {
            city: { type: 'str', required: true },
            unit: { type: 'str', required: false },
          },
        },
        {
          name: 'get_time',
          description: 'The time in a time zone.',
          parameter_definitions: { zone: { type: 'str', required: true } },
        },
      ],
    });
  });

  it('streams Cohere tool calls so that the client assembles the same tool_calls', async () => {
    cohere.setBehaviour({ replyText: '', toolCalls: CALLS });
    const stream = client.chat.completions.stream({
      model: 'command-r',
      messages: QUESTION,
      tools: TOOLS,
      stream_options: { include_usage: true },
      ...CLIENT_EXTRAS,
    });
    const completion = await stream.finalChatCompletion();

    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(namedCalls(choice.message.tool_calls)).toEqual([
      ['get_weather', { city: 'Oslo', unit: 'celsius' }],
      ['get_time', { zone: 'Europe/Oslo' }],
    ]);
    expect(new Set(choice.message.tool_calls?.map((call) => call.id)).size).toBe(2);
    expect(completion.usage).toMatchObject({ completion_tokens: 2 });
    expect(cohere.lastRequest()!.body).toMatchObject({ stream: true, tools: expect.any(Array) });
  });

  it('sends the tool results of the next turn as Cohere tool_results, and returns the answer', async () => {
    cohere.setBehaviour({ replyText: '', toolCalls: CALLS });
    const first = await client.chat.completions.create({
      model: 'command-r',
      messages: QUESTION,
      tools: TOOLS,
    });
    cohere.reset();
    const calls = first.choices[0]!.message.tool_calls!;
    const answer = await client.chat.completions.create({
      model: 'command-r',
      tools: TOOLS,
      messages: [
        ...QUESTION,
        first.choices[0]!.message,
        { role: 'tool', tool_call_id: calls[0]!.id, content: '{"temperature":3,"sky":"overcast"}' },
        { role: 'tool', tool_call_id: calls[1]!.id, content: '14:05' },
      ],
      ...CLIENT_EXTRAS,
    });

    expect(answer.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { role: 'assistant', content: DEFAULT_REPLY_TEXT },
    });
    expect(cohere.lastRequest()!.body).toMatchObject({
      preamble: 'You are a travel assistant.',
      chat_history: [
        { role: 'USER', message: 'What is the weather in Oslo, and the time there?' },
        {
          role: 'CHATBOT',
          message: '',
          tool_calls: [
            { name: 'get_weather', parameters: { city: 'Oslo', unit: 'celsius' } },
            { name: 'get_time', parameters: { zone: 'Europe/Oslo' } },
          ],
        },
      ],
      message: '',
      tool_results: [
        {
          call: { name: 'get_weather', parameters: { city: 'Oslo', unit: 'celsius' } },
          outputs: [{ temperature: 3, sky: 'overcast' }],
        },
        { call: { name: 'get_time', parameters: { zone: 'Europe/Oslo' } }, outputs: [{ output: '14:05' }] },
      ],
    });
  });

  it('streams for a client that sends stream_options, ending with the usage chunk it asked for', async () => {
    const stream = await client.chat.completions.create({
      model: 'command-r',
      messages: QUESTION,
      stream: true,
      stream_options: { include_usage: true },
      user: 'user-1234',
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.slice(0, -1).every((chunk) => chunk.choices[0] !== undefined)).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(DEFAULT_REPLY_TEXT);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 8 } });
    expect(cohere.lastRequest()!.body).not.toHaveProperty('stream_options');
  });

  it('streams an answer without include_usage whose every chunk has a choices[0]', async () => {
    const stream = await client.chat.completions.create({
      model: 'command-r',
      messages: QUESTION,
      stream: true,
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      // What client code does with every chunk: it throws on a chunk without choices.
      text += chunk.choices[0]!.delta.content ?? '';
    }
    expect(text).toBe(DEFAULT_REPLY_TEXT);
    expect(chunks).toBe(10);
  });
});
