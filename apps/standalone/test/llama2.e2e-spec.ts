import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_PROVIDER_API_KEY,
  addAiProxyRoute,
  aiMetricsOf,
  aiProxyLogsOf,
  curlData,
  startMockProvider,
  startStandaloneGateway,
  waitUntilServed,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

const MODEL = 'llama-2-7b-chat-hf';
const QUESTION: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are a mathematician.' },
  { role: 'user', content: 'What is 1 + 1?' },
];
// "You are a mathematician." + "What is 1 + 1?": 4 + 5 words; the default reply is 8 words.
const PROMPT_WORDS = 9;
const REPLY_TOKENS = 8;
const TOOLS: OpenAI.ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
  {
    type: 'function',
    function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
  },
];
const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];
const NAMED_CALLS = [
  ['get_weather', '{"city":"Oslo"}'],
  ['get_time', '{"zone":"Europe/Oslo"}'],
];
const CLIENT_EXTRAS = { user: 'user-1234', parallel_tool_calls: true, tool_choice: 'auto' } as const;

function namedCalls(calls: OpenAI.ChatCompletionMessageToolCall[] | undefined): string[][] {
  return (calls ?? []).map((call) =>
    call.type === 'function' ? [call.function.name, call.function.arguments] : [],
  );
}

async function streamed(stream: ReturnType<OpenAI['chat']['completions']['stream']>) {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  stream.on('chunk', (chunk) => chunks.push(chunk));
  const completion = await stream.finalChatCompletion();
  return { chunks, completion };
}

async function streamedCompletion(client: OpenAI, model: string): Promise<string> {
  let text = '';
  for await (const chunk of await client.completions.create({
    model,
    prompt: 'What is 1 + 1?',
    stream: true,
  }))
    text += chunk.choices[0]?.text ?? '';
  return text;
}

describe('Llama 2 (self-hosted) through the standalone gateway, driven by the official openai client', () => {
  let gateway: StandaloneGateway;
  let tgi: MockProviderServer;
  let ollama: MockProviderServer;
  let openai: MockProviderServer;
  const clients: Record<string, OpenAI> = {};

  async function route(name: string, config: string[]): Promise<void> {
    await addAiProxyRoute(gateway.admin, {
      service: 'llm',
      name,
      paths: [`/${name}`],
      plugin: [
        'config.auth.header_name=Authorization',
        `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
        'config.model.provider=llama2',
        'config.logging.log_statistics=true',
        ...config,
      ],
    });
    await waitUntilServed(gateway.proxyUrl, `/${name}`);
    clients[name] = new OpenAI({
      baseURL: `${gateway.proxyUrl}/${name}`,
      apiKey: 'client-key',
      maxRetries: 0,
    });
  }

  beforeAll(async () => {
    [tgi, ollama, openai] = await Promise.all([
      startMockProvider('llama2'),
      startMockProvider('ollama'),
      startMockProvider('openai'),
    ]);
    gateway = await startStandaloneGateway();
    const service = await gateway.admin.form(
      'POST',
      '/services',
      curlData('name=llm', 'url=http://localhost:32000'),
    );
    expect(service.status, service.text).toBe(201);
    const routes: [string, string, string, string][] = [
      ['llama2-raw', 'llm/v1/chat', 'raw', `${tgi.url}/`],
      ['llama2-raw-complete', 'llm/v1/completions', 'raw', `${tgi.url}/`],
      ['llama2-raw-metered', 'llm/v1/chat', 'raw', `${tgi.url}/`],
      ['llama2-ollama', 'llm/v1/chat', 'ollama', `${ollama.url}/api/chat`],
      ['llama2-ollama-complete', 'llm/v1/completions', 'ollama', `${ollama.url}/api/generate`],
      ['llama2-openai', 'llm/v1/chat', 'openai', `${openai.url}/v1/chat/completions`],
      ['llama2-openai-complete', 'llm/v1/completions', 'openai', `${openai.url}/v1/completions`],
    ];
    for (const [name, routeType, format, url] of routes)
      await route(name, [
        `config.route_type=${routeType}`,
        `config.model.name=${MODEL}`,
        `config.model.options.llama2_format=${format}`,
        'config.model.options.input_cost=1',
        'config.model.options.output_cost=2',
        `config.model.options.upstream_url=${url}`,
      ]);
  }, 60_000);

  beforeEach(() => {
    tgi.reset();
    ollama.reset();
    openai.reset();
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([tgi?.close(), ollama?.close(), openai?.close()]);
  });

  const receivedBy = (mock: MockProviderServer) => mock.lastRequest()!.body as Record<string, unknown>;

  describe('llama2_format raw: a text-generation server', () => {
    it('answers a conversation sent as one Llama 2 prompt, with the finish reason from details', async () => {
      const completion = await clients['llama2-raw']!.chat.completions.create({
        model: MODEL,
        messages: [
          ...QUESTION,
          { role: 'assistant', content: 'Two.' },
          { role: 'user', content: 'And 2 + 2?' },
        ],
        max_tokens: 64,
        temperature: 0,
        user: 'user-1234',
      });
      expect(completion.choices[0]).toMatchObject({
        message: { role: 'assistant', content: DEFAULT_REPLY_TEXT },
        finish_reason: 'stop',
      });
      expect(receivedBy(tgi)).toEqual({
        inputs:
          '<s>[INST] <<SYS>> You are a mathematician. <</SYS>> What is 1 + 1? [/INST] Two. </s> <s>[INST] And 2 + 2? [/INST]',
        parameters: { max_new_tokens: 64, details: true },
        stream: false,
      });
    });

    it('streams the tokens as OpenAI chunks; no usage chunk, as the server counts no prompt tokens', async () => {
      const { chunks, completion } = await streamed(
        clients['llama2-raw']!.chat.completions.stream({
          model: MODEL,
          messages: QUESTION,
          stream_options: { include_usage: true },
        }),
      );
      expect(completion.choices[0]).toMatchObject({
        message: { content: DEFAULT_REPLY_TEXT },
        finish_reason: 'stop',
      });
      expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
      expect(receivedBy(tgi)).toMatchObject({ stream: true });
    });

    it("answers completions in Kong's instruction, whole and streamed", async () => {
      const client = clients['llama2-raw-complete']!;
      const whole = await client.completions.create({
        model: MODEL,
        prompt: 'What is 1 + 1?',
        max_tokens: 3,
      });
      expect(whole.choices[0]).toMatchObject({ text: 'The answer to', finish_reason: 'length' });
      expect(receivedBy(tgi)).toMatchObject({
        inputs: '<s>[INST] <<SYS>> You are a helpful assistant. <</SYS>> What is 1 + 1? [/INST]',
      });
      expect(await streamedCompletion(client, MODEL)).toBe(DEFAULT_REPLY_TEXT);
    });

    it('refuses tools with a 400 that names the formats that take them', async () => {
      const error = await clients['llama2-raw']!.chat.completions.create({
        model: MODEL,
        messages: QUESTION,
        tools: TOOLS,
      }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain(
        'error transforming to llama2://llm/v1/chat: llama2_format raw cannot call tools: use llama2_format ollama or openai',
      );
      expect(tgi.requests).toHaveLength(0);
    });

    it('ends a stream whose generation failed with an error the openai client throws', async () => {
      tgi.setBehaviour({ streamErrorAfter: 2 });
      const stream = await clients['llama2-raw']!.chat.completions.create({
        model: MODEL,
        messages: QUESTION,
        stream: true,
      });
      const error = await (async () => {
        for await (const chunk of stream) void chunk;
      })().catch((thrown: unknown) => thrown);
      expect(String(error)).toContain('llama2 reported an error: Request failed during generation');
    });

    it('logs the completion tokens the server reports and estimates the prompt (Kong: words × 1.8 in a stream)', async () => {
      await streamed(
        clients['llama2-raw-metered']!.chat.completions.stream({ model: MODEL, messages: QUESTION }),
      );
      const [log] = await aiProxyLogsOf(gateway, '/llama2-raw-metered/chat/completions', 1);
      // details.generated_tokens counts the end token too.
      const prompt = Math.floor(PROMPT_WORDS * 1.8 + 0.5);
      expect(log!.usage).toMatchObject({
        prompt_tokens: prompt,
        completion_tokens: REPLY_TOKENS + 1,
        cost: (prompt * 1 + (REPLY_TOKENS + 1) * 2) / 1e6,
      });
      expect(log!.meta).toMatchObject({ provider_name: 'llama2', request_model: MODEL });
    });
  });

  describe('llama2_format ollama: an Ollama server', () => {
    it('answers a chat whole and streamed through /api/chat', async () => {
      const client = clients['llama2-ollama']!;
      const whole = await client.chat.completions.create({
        model: MODEL,
        messages: QUESTION,
        max_tokens: 50,
        user: 'u',
      });
      expect(whole.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
      expect(receivedBy(ollama)).toEqual({
        model: MODEL,
        stream: false,
        messages: QUESTION,
        options: { num_predict: 50 },
      });
      const { completion } = await streamed(
        client.chat.completions.stream({ model: MODEL, messages: QUESTION }),
      );
      expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
    });

    it('calls tools whole and streamed', async () => {
      ollama.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
      const request = { model: MODEL, messages: QUESTION, tools: TOOLS, ...CLIENT_EXTRAS };
      const whole = await clients['llama2-ollama']!.chat.completions.create(request);
      expect(whole.choices[0]!.finish_reason).toBe('tool_calls');
      expect(namedCalls(whole.choices[0]!.message.tool_calls)).toEqual(NAMED_CALLS);
      const { completion } = await streamed(clients['llama2-ollama']!.chat.completions.stream(request));
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
      expect(namedCalls(completion.choices[0]!.message.tool_calls)).toEqual(NAMED_CALLS);
      expect(receivedBy(ollama)).not.toHaveProperty('tool_choice');
    });

    it('answers completions through /api/generate, whole and streamed', async () => {
      const client = clients['llama2-ollama-complete']!;
      const whole = await client.completions.create({ model: MODEL, prompt: 'What is 1 + 1?' });
      expect(whole.choices[0]!.text).toBe(DEFAULT_REPLY_TEXT);
      expect(await streamedCompletion(client, MODEL)).toBe(DEFAULT_REPLY_TEXT);
      expect(ollama.lastRequest()!.path).toBe('/api/generate');
    });
  });

  describe('llama2_format openai: an OpenAI-compatible server', () => {
    it('passes a chat through, whole and streamed with the usage chunk the client asked for', async () => {
      const client = clients['llama2-openai']!;
      const whole = await client.chat.completions.create({
        model: MODEL,
        messages: QUESTION,
        user: 'user-1234',
      });
      expect(whole.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
      expect(receivedBy(openai)).toMatchObject({ model: MODEL, user: 'user-1234', stream: false });
      const { chunks } = await streamed(
        client.chat.completions.stream({
          model: MODEL,
          messages: QUESTION,
          stream_options: { include_usage: true },
        }),
      );
      expect(chunks.at(-1)).toMatchObject({
        choices: [],
        usage: { prompt_tokens: PROMPT_WORDS, completion_tokens: REPLY_TOKENS },
      });
    });

    it('passes tool calls through, whole and streamed', async () => {
      openai.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
      const request = { model: MODEL, messages: QUESTION, tools: TOOLS, ...CLIENT_EXTRAS };
      const whole = await clients['llama2-openai']!.chat.completions.create(request);
      expect(namedCalls(whole.choices[0]!.message.tool_calls)).toEqual(NAMED_CALLS);
      const { completion } = await streamed(clients['llama2-openai']!.chat.completions.stream(request));
      expect(namedCalls(completion.choices[0]!.message.tool_calls)).toEqual(NAMED_CALLS);
      expect(receivedBy(openai)).toMatchObject({ tool_choice: 'auto', parallel_tool_calls: true });
    });

    it('passes completions through, whole and streamed', async () => {
      const client = clients['llama2-openai-complete']!;
      const whole = await client.completions.create({ model: MODEL, prompt: 'What is 1 + 1?' });
      expect(whole.choices[0]!.text).toBe(DEFAULT_REPLY_TEXT);
      expect(await streamedCompletion(client, MODEL)).toBe(DEFAULT_REPLY_TEXT);
    });
  });

  it('counts the exact tokens and cost Ollama reports in /metrics and in the ai.proxy log entry', async () => {
    await route('llama2-ollama-metered', [
      'config.route_type=llm/v1/chat',
      'config.model.name=llama3.2',
      'config.model.options.llama2_format=ollama',
      'config.model.options.input_cost=1',
      'config.model.options.output_cost=2',
      `config.model.options.upstream_url=${ollama.url}/api/chat`,
    ]);
    const metered = clients['llama2-ollama-metered']!;
    await metered.chat.completions.create({ model: 'llama3.2', messages: QUESTION });
    await streamed(metered.chat.completions.stream({ model: 'llama3.2', messages: QUESTION }));
    const cost = (PROMPT_WORDS * 1 + REPLY_TOKENS * 2) / 1e6;
    const logs = await aiProxyLogsOf(gateway, '/llama2-ollama-metered/chat/completions', 2);
    for (const log of logs)
      expect(log.usage).toMatchObject({ prompt_tokens: PROMPT_WORDS, completion_tokens: REPLY_TOKENS, cost });
    const metrics = await aiMetricsOf(gateway, 'llama2', 'llama3.2', 2);
    expect(metrics).toMatchObject({
      prompt_tokens: 2 * PROMPT_WORDS,
      completion_tokens: 2 * REPLY_TOKENS,
      total_tokens: 2 * (PROMPT_WORDS + REPLY_TOKENS),
    });
    expect(metrics.cost).toBeCloseTo(2 * cost, 12);
  });
});
