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

const MODEL = 'mistral-small-latest';
const QUESTION: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are a mathematician.' },
  { role: 'user', content: 'What is 1 + 1?' },
];
// "You are a mathematician." + "What is 1 + 1?": 4 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 9;
const REPLY_TOKENS = 8;
const TOOLS: OpenAI.ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      strict: true,
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
// What the AI SDK, LangChain and the openai client send along: Mistral refuses user and stream_options.
const CLIENT_EXTRAS = { user: 'user-1234', parallel_tool_calls: true } as const;

function namedCalls(calls: OpenAI.ChatCompletionMessageToolCall[] | undefined): string[][] {
  return (calls ?? []).map((call) =>
    call.type === 'function' ? [call.function.name, call.function.arguments] : [],
  );
}

/** Reads a streamed chat to its end: the chunks, and the completion the openai client assembles. */
async function streamed(stream: ReturnType<OpenAI['chat']['completions']['stream']>) {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  stream.on('chunk', (chunk) => chunks.push(chunk));
  const completion = await stream.finalChatCompletion();
  return { chunks, completion };
}

describe('Mistral through the standalone gateway, driven by the official openai client', () => {
  let gateway: StandaloneGateway;
  let mistral: MockProviderServer;
  let ollama: MockProviderServer;
  const clients: Record<string, OpenAI> = {};

  async function route(name: string, config: string[]): Promise<void> {
    await addAiProxyRoute(gateway.admin, {
      service: 'llm',
      name,
      paths: [`/${name}`],
      plugin: [
        'config.auth.header_name=Authorization',
        `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
        'config.model.provider=mistral',
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
    [mistral, ollama] = await Promise.all([startMockProvider('mistral'), startMockProvider('ollama')]);
    gateway = await startStandaloneGateway();
    const service = await gateway.admin.form(
      'POST',
      '/services',
      curlData('name=llm', 'url=http://localhost:32000'),
    );
    expect(service.status, service.text).toBe(201);
    await route('mistral', [
      'config.route_type=llm/v1/chat',
      `config.model.name=${MODEL}`,
      'config.model.options.mistral_format=openai',
      `config.model.options.upstream_url=${mistral.url}/v1/chat/completions`,
    ]);
    await route('mistral-costed', [
      'config.route_type=llm/v1/chat',
      'config.model.name=mistral-large-latest',
      'config.model.options.mistral_format=openai',
      'config.model.options.input_cost=2',
      'config.model.options.output_cost=6',
      `config.model.options.upstream_url=${mistral.url}/v1/chat/completions`,
    ]);
    await route('mistral-ollama', [
      'config.route_type=llm/v1/chat',
      'config.model.name=mistral',
      'config.model.options.mistral_format=ollama',
      `config.model.options.upstream_url=${ollama.url}/api/chat`,
    ]);
    await route('mistral-ollama-costed', [
      'config.route_type=llm/v1/chat',
      'config.model.name=mistral-nemo',
      'config.model.options.mistral_format=ollama',
      'config.model.options.input_cost=1',
      'config.model.options.output_cost=3',
      `config.model.options.upstream_url=${ollama.url}/api/chat`,
    ]);
    await route('mistral-ollama-complete', [
      'config.route_type=llm/v1/completions',
      'config.model.name=codestral',
      'config.model.options.mistral_format=ollama',
      `config.model.options.upstream_url=${ollama.url}/api/generate`,
    ]);
  }, 60_000);

  beforeEach(() => {
    mistral.reset();
    ollama.reset();
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([mistral?.close(), ollama?.close()]);
  });

  /** The body the mock received last: it has already refused what Mistral (or Ollama) refuses. */
  const receivedBy = (mock: MockProviderServer) => mock.lastRequest()!.body as Record<string, unknown>;

  describe("mistral_format openai: Mistral's API", () => {
    it('answers a chat, sending Mistral only what it accepts (seed as random_seed, no user)', async () => {
      const completion = await clients['mistral']!.chat.completions.create({
        model: MODEL,
        messages: QUESTION,
        seed: 42,
        max_completion_tokens: 300,
        ...CLIENT_EXTRAS,
      });
      expect(completion).toMatchObject({
        object: 'chat.completion',
        model: MODEL,
        choices: [
          { index: 0, message: { role: 'assistant', content: DEFAULT_REPLY_TEXT }, finish_reason: 'stop' },
        ],
        usage: {
          prompt_tokens: PROMPT_TOKENS,
          completion_tokens: REPLY_TOKENS,
          total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
        },
      });
      expect(receivedBy(mistral)).toEqual({
        model: MODEL,
        stream: false,
        messages: QUESTION,
        random_seed: 42,
        max_tokens: 300,
        parallel_tool_calls: true,
      });
      expect(mistral.lastRequest()!.headers.authorization).toBe(`Bearer ${MOCK_PROVIDER_API_KEY}`);
    });

    it('streams with include_usage: the usage chunk comes last, and stream_options never reach Mistral', async () => {
      const { chunks, completion } = await streamed(
        clients['mistral']!.chat.completions.stream({
          model: MODEL,
          messages: QUESTION,
          stream_options: { include_usage: true },
          ...CLIENT_EXTRAS,
        }),
      );
      expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
      expect(chunks.at(-1)).toMatchObject({
        choices: [],
        usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: REPLY_TOKENS },
      });
      expect(receivedBy(mistral)).not.toHaveProperty('stream_options');
      expect(receivedBy(mistral)).toMatchObject({ stream: true });
    });

    it('streams without include_usage: every chunk has choices[0] and none carries usage', async () => {
      const { chunks } = await streamed(
        clients['mistral']!.chat.completions.stream({ model: MODEL, messages: QUESTION }),
      );
      expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === undefined)).toBe(true);
    });

    it("calls tools whole and streamed: tool_choice required as Mistral's any, calls with Mistral's ids and OpenAI's type", async () => {
      mistral.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
      const request = {
        model: MODEL,
        messages: QUESTION,
        tools: TOOLS,
        tool_choice: 'required' as const,
        ...CLIENT_EXTRAS,
      };
      const whole = await clients['mistral']!.chat.completions.create(request);
      expect(whole.choices[0]!.finish_reason).toBe('tool_calls');
      expect(namedCalls(whole.choices[0]!.message.tool_calls)).toEqual(NAMED_CALLS);
      expect(whole.choices[0]!.message.tool_calls!.map((call) => call.id)).toEqual([
        expect.stringMatching(/^[a-zA-Z0-9]{9}$/),
        expect.stringMatching(/^[a-zA-Z0-9]{9}$/),
      ]);
      expect(receivedBy(mistral)).toMatchObject({
        tool_choice: 'any',
        parallel_tool_calls: true,
        tools: [{ function: { strict: true } }, {}],
      });

      const { completion } = await streamed(clients['mistral']!.chat.completions.stream(request));
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
      expect(namedCalls(completion.choices[0]!.message.tool_calls)).toEqual(NAMED_CALLS);
    });

    it('sends the results of tools another provider called: their call_... ids become ids Mistral accepts', async () => {
      const answer = await clients['mistral']!.chat.completions.create({
        model: MODEL,
        tools: TOOLS,
        messages: [
          ...QUESTION,
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_PTLP8xhu3uwZk4l3nlnrrJha',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_PTLP8xhu3uwZk4l3nlnrrJha', content: '3 °C' },
        ],
      });
      expect(answer.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
      const messages = receivedBy(mistral).messages as {
        tool_calls?: { id: string }[];
        tool_call_id?: string;
      }[];
      const mapped = messages[2]!.tool_calls![0]!.id;
      expect(mapped).toMatch(/^[a-zA-Z0-9]{9}$/);
      expect(messages[3]).toMatchObject({ role: 'tool', tool_call_id: mapped, name: 'get_weather' });
    });

    it('passes a Mistral error through with its status and body', async () => {
      mistral.setBehaviour({ status: 429 });
      const error = await clients['mistral']!.chat.completions.create({
        model: MODEL,
        messages: QUESTION,
      }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      // The body as it came (the openai client reads only OpenAI's error envelope out of it).
      const answer = await fetch(`${gateway.proxyUrl}/mistral/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: QUESTION }),
      });
      expect(answer.status).toBe(429);
      expect(await answer.json()).toEqual({
        message: 'Requests rate limit exceeded',
        request_id: expect.any(String),
      });
    });

    it('ends a stream whose generation failed with an error the openai client throws', async () => {
      mistral.setBehaviour({ streamErrorAfter: 3 });
      const stream = await clients['mistral']!.chat.completions.create({
        model: MODEL,
        messages: QUESTION,
        stream: true,
      });
      let text = '';
      const error = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })().catch((thrown: unknown) => thrown);
      expect(String(error)).toContain('mistral reported a failed generation (finish_reason error)');
      expect(text).toBe('The answer');
    });

    it('counts the tokens and cost in /metrics and in the ai.proxy log entry', async () => {
      await clients['mistral-costed']!.chat.completions.create({
        model: 'mistral-large-latest',
        messages: QUESTION,
      });
      const { completion } = await streamed(
        clients['mistral-costed']!.chat.completions.stream({
          model: 'mistral-large-latest',
          messages: QUESTION,
        }),
      );
      expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
      const cost = (PROMPT_TOKENS * 2 + REPLY_TOKENS * 6) / 1e6;
      const logs = await aiProxyLogsOf(gateway, '/mistral-costed/chat/completions', 2);
      for (const log of logs) {
        expect(log.meta).toMatchObject({
          provider_name: 'mistral',
          request_model: 'mistral-large-latest',
          response_model: 'mistral-large-latest',
        });
        expect(log.usage).toMatchObject({
          prompt_tokens: PROMPT_TOKENS,
          completion_tokens: REPLY_TOKENS,
          total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
          cost,
        });
      }
      const metrics = await aiMetricsOf(gateway, 'mistral', 'mistral-large-latest', 2);
      expect(metrics).toMatchObject({
        prompt_tokens: 2 * PROMPT_TOKENS,
        completion_tokens: 2 * REPLY_TOKENS,
        total_tokens: 2 * (PROMPT_TOKENS + REPLY_TOKENS),
      });
      expect(metrics.cost).toBeCloseTo(2 * cost, 12);
    });
  });

  describe('mistral_format ollama: an Ollama server', () => {
    it("answers a chat through /api/chat, the sampling fields in Ollama's options", async () => {
      const completion = await clients['mistral-ollama']!.chat.completions.create({
        model: 'mistral',
        messages: QUESTION,
        max_tokens: 100,
        temperature: 0.2,
        ...CLIENT_EXTRAS,
      });
      expect(completion.choices[0]).toMatchObject({
        message: { content: DEFAULT_REPLY_TEXT },
        finish_reason: 'stop',
      });
      expect(completion.usage).toMatchObject({
        prompt_tokens: PROMPT_TOKENS,
        completion_tokens: REPLY_TOKENS,
      });
      expect(ollama.lastRequest()!.path).toBe('/api/chat');
      expect(receivedBy(ollama)).toEqual({
        model: 'mistral',
        stream: false,
        messages: QUESTION,
        options: { num_predict: 100, temperature: 0.2 },
      });
    });

    it('streams an NDJSON answer as OpenAI chunks, with the usage chunk the client asked for', async () => {
      const { chunks, completion } = await streamed(
        clients['mistral-ollama']!.chat.completions.stream({
          model: 'mistral',
          messages: QUESTION,
          stream_options: { include_usage: true },
        }),
      );
      expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
      expect(chunks.at(-1)).toMatchObject({
        choices: [],
        usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: REPLY_TOKENS },
      });
      expect(receivedBy(ollama)).toMatchObject({ stream: true });
    });

    it("calls tools whole and streamed, and sends their results back with each tool's name", async () => {
      ollama.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
      const request = {
        model: 'mistral',
        messages: QUESTION,
        tools: TOOLS,
        tool_choice: 'auto' as const,
        ...CLIENT_EXTRAS,
      };
      const whole = await clients['mistral-ollama']!.chat.completions.create(request);
      expect(whole.choices[0]!.finish_reason).toBe('tool_calls');
      expect(namedCalls(whole.choices[0]!.message.tool_calls)).toEqual(NAMED_CALLS);
      const { completion } = await streamed(clients['mistral-ollama']!.chat.completions.stream(request));
      expect(namedCalls(completion.choices[0]!.message.tool_calls)).toEqual(NAMED_CALLS);

      ollama.reset();
      const calls = whole.choices[0]!.message.tool_calls!;
      await clients['mistral-ollama']!.chat.completions.create({
        model: 'mistral',
        tools: TOOLS,
        messages: [
          ...QUESTION,
          whole.choices[0]!.message,
          { role: 'tool', tool_call_id: calls[1]!.id, content: '14:05' },
          { role: 'tool', tool_call_id: calls[0]!.id, content: '3 °C' },
        ],
      });
      expect((receivedBy(ollama).messages as object[]).slice(2)).toEqual([
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { function: { name: 'get_weather', arguments: { city: 'Oslo' } } },
            { function: { name: 'get_time', arguments: { zone: 'Europe/Oslo' } } },
          ],
        },
        { role: 'tool', content: '14:05', tool_name: 'get_time' },
        { role: 'tool', content: '3 °C', tool_name: 'get_weather' },
      ]);
    });

    it('answers completions through /api/generate, whole and streamed', async () => {
      const completions = clients['mistral-ollama-complete']!.completions;
      const whole = await completions.create({ model: 'codestral', prompt: 'What is 1 + 1?', max_tokens: 3 });
      expect(whole.choices[0]).toMatchObject({ text: 'The answer to', finish_reason: 'length' });
      expect(receivedBy(ollama)).toEqual({
        model: 'codestral',
        stream: false,
        prompt: 'What is 1 + 1?',
        options: { num_predict: 3 },
      });
      let text = '';
      for await (const chunk of await completions.create({
        model: 'codestral',
        prompt: 'What is 1 + 1?',
        stream: true,
      }))
        text += chunk.choices[0]?.text ?? '';
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      expect(ollama.lastRequest()!.path).toBe('/api/generate');
    });

    it('counts the tokens and cost Ollama reports in /metrics and in the ai.proxy log entry', async () => {
      const client = clients['mistral-ollama-costed']!;
      await client.chat.completions.create({ model: 'mistral-nemo', messages: QUESTION });
      await streamed(client.chat.completions.stream({ model: 'mistral-nemo', messages: QUESTION }));
      const cost = (PROMPT_TOKENS * 1 + REPLY_TOKENS * 3) / 1e6;
      const logs = await aiProxyLogsOf(gateway, '/mistral-ollama-costed/chat/completions', 2);
      for (const log of logs) {
        expect(log.meta).toMatchObject({ provider_name: 'mistral', response_model: 'mistral-nemo' });
        expect(log.usage).toMatchObject({
          prompt_tokens: PROMPT_TOKENS,
          completion_tokens: REPLY_TOKENS,
          cost,
        });
      }
      const metrics = await aiMetricsOf(gateway, 'mistral', 'mistral-nemo', 2);
      expect(metrics).toMatchObject({
        prompt_tokens: 2 * PROMPT_TOKENS,
        completion_tokens: 2 * REPLY_TOKENS,
      });
      expect(metrics.cost).toBeCloseTo(2 * cost, 12);
    });
  });
});
