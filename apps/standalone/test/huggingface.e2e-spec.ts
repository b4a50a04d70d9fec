import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  curlData,
  startMockProvider,
  startStandaloneGateway,
  waitUntilServed,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

const TOKEN = 'hf_gatewayToken';
const MODEL = 'mistralai/Mistral-7B-Instruct-v0.2';
const ROUTER_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const SYSTEM = 'You are a mathematician.';
const QUESTION: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: SYSTEM },
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
];
const TOOL_CALLS = [{ name: 'get_weather', arguments: { city: 'Oslo' } }];
// What the AI SDK, LangChain and the openai client send along with tools.
const CLIENT_EXTRAS = { tool_choice: 'auto', parallel_tool_calls: true, user: 'user-1234' } as const;
// Per million tokens, for the cost in the log and the metrics.
const INPUT_COST = 10;
const OUTPUT_COST = 20;

describe('Hugging Face through the standalone gateway, driven by the official openai client', () => {
  let gateway: StandaloneGateway;
  let huggingface: MockProviderServer;

  async function addRoute(name: string, config: string[], token = TOKEN): Promise<OpenAI> {
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
        'config.auth.header_name=Authorization',
        `config.auth.header_value=Bearer ${token}`,
        'config.model.provider=huggingface',
        'config.logging.log_statistics=true',
        `config.model.options.input_cost=${INPUT_COST}`,
        `config.model.options.output_cost=${OUTPUT_COST}`,
        ...config,
      ),
    );
    expect(plugin.status, plugin.text).toBe(201);
    await waitUntilServed(gateway.proxyUrl, `/${name}`);
    // The gateway holds the Hugging Face token; the client's key is its own business.
    return new OpenAI({ baseURL: `${gateway.proxyUrl}/${name}`, apiKey: 'client-key', maxRetries: 0 });
  }

  let chat: OpenAI;
  let router: OpenAI;
  let completions: OpenAI;

  beforeAll(async () => {
    huggingface = await startMockProvider('huggingface', { apiKey: TOKEN });
    gateway = await startStandaloneGateway();
    const service = await gateway.admin.form(
      'POST',
      '/services',
      curlData('name=llm', 'url=http://localhost:32000'),
    );
    expect(service.status, service.text).toBe(201);
    // One model URL for both route types, as Kong builds them: chat gets /v1/chat/completions appended.
    const modelUrl = `${huggingface.url}/models/${MODEL}`;
    chat = await addRoute('hf-chat', [
      'config.route_type=llm/v1/chat',
      `config.model.name=${MODEL}`,
      'config.model.options.huggingface.use_cache=true',
      `config.model.options.upstream_url=${modelUrl}`,
    ]);
    router = await addRoute('hf-router', [
      'config.route_type=llm/v1/chat',
      `config.model.name=${ROUTER_MODEL}`,
      'config.model.options.huggingface.wait_for_model=true',
      `config.model.options.upstream_url=${huggingface.url}/v1/chat/completions`,
    ]);
    completions = await addRoute('hf-complete', [
      'config.route_type=llm/v1/completions',
      `config.model.name=${MODEL}`,
      'config.model.options.max_tokens=64',
      `config.model.options.upstream_url=${modelUrl}`,
    ]);
  }, 60_000);

  beforeEach(() => huggingface.reset());

  afterAll(async () => {
    await gateway?.stop();
    await huggingface?.close();
  });

  /** What the mock received last: it has already checked the token, the fields and their types. */
  function received(): { path: string; headers: Record<string, unknown>; body: Record<string, unknown> } {
    const request = huggingface.lastRequest()!;
    return { path: request.path, headers: request.headers, body: request.body as Record<string, unknown> };
  }

  async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
    const chunks: T[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  }

  describe('chat', () => {
    it("answers a chat on the model's chat route, with the token, the cache flag and only the fields Hugging Face takes", async () => {
      const completion = await chat.chat.completions.create({
        model: MODEL,
        messages: QUESTION,
        user: 'user-7',
        top_p: 0.9,
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
      const upstream = received();
      expect(upstream.path).toBe(`/models/${MODEL}/v1/chat/completions`);
      expect(upstream.headers).toMatchObject({
        authorization: `Bearer ${TOKEN}`,
        'x-use-cache': 'true',
        'x-wait-for-model': 'false',
      });
      expect(upstream.body).toEqual({ messages: QUESTION, model: MODEL, stream: false, top_p: 0.9 });
    });

    it('streams a chat without include_usage: every chunk has choices[0], and no usage chunk reaches the client', async () => {
      const chunks = await collect(
        await chat.chat.completions.create({ model: MODEL, messages: QUESTION, stream: true }),
      );
      expect(chunks.every((chunk) => chunk.choices[0] !== undefined)).toBe(true);
      expect(chunks.map((chunk) => chunk.choices[0]!.delta.content ?? '').join('')).toBe(DEFAULT_REPLY_TEXT);
      expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
      expect(chunks.some((chunk) => chunk.usage)).toBe(false);
      // The gateway logs statistics: it asks Hugging Face for the usage itself.
      expect(received().body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    });

    it('streams a chat with include_usage: the usage chunk comes last', async () => {
      const chunks = await collect(
        await chat.chat.completions.create({
          model: MODEL,
          messages: QUESTION,
          stream: true,
          stream_options: { include_usage: true },
        }),
      );
      expect(chunks.at(-1)).toMatchObject({
        choices: [],
        usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: REPLY_TOKENS },
      });
      expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    });

    it('calls tools whole and streamed with what real clients send, finishing with tool_calls where TGI says stop', async () => {
      huggingface.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
      const request = { model: MODEL, messages: QUESTION, tools: TOOLS, ...CLIENT_EXTRAS };
      const completion = await chat.chat.completions.create(request);
      expect(completion.choices[0]).toMatchObject({
        finish_reason: 'tool_calls',
        message: {
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
      });
      const { strict: _notSent, ...declared } = TOOLS[0]!.function;
      expect(received().body).toEqual({
        messages: QUESTION,
        model: MODEL,
        stream: false,
        tools: [{ type: 'function', function: declared }],
        tool_choice: 'auto',
      });

      const streamed = await chat.chat.completions.stream(request).finalChatCompletion();
      expect(streamed.choices[0]!.finish_reason).toBe('tool_calls');
      expect(streamed.choices[0]!.message.tool_calls).toMatchObject([
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      ]);
    });

    it("serves the router's chat URL as configured, with the model in the body", async () => {
      const completion = await router.chat.completions.create({ model: ROUTER_MODEL, messages: QUESTION });
      expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
      expect(received()).toMatchObject({
        path: '/v1/chat/completions',
        headers: { 'x-wait-for-model': 'true' },
        body: { model: ROUTER_MODEL },
      });
    });
  });

  describe('completions (text generation)', () => {
    it('answers whole: the prompt as inputs, the configured max_tokens as max_new_tokens, the continuation only', async () => {
      const whole = await completions.completions.create({
        model: MODEL,
        prompt: 'What is 1 + 1?',
        max_tokens: 10,
        temperature: 0,
        top_p: 1,
        user: 'user-7',
        n: 1,
      });
      expect(whole).toMatchObject({
        object: 'text_completion',
        model: MODEL,
        choices: [{ index: 0, text: DEFAULT_REPLY_TEXT, finish_reason: 'stop' }],
      });
      const upstream = received();
      expect(upstream.path).toBe(`/models/${MODEL}`);
      expect(upstream.headers).toMatchObject({ 'x-use-cache': 'false', 'x-wait-for-model': 'false' });
      // The configured max_tokens wins; a temperature of 0 is greedy decoding and a top_p of 1 no
      // filtering, both of which TGI refuses as such; user and n are not sent.
      expect(upstream.body).toEqual({
        inputs: 'What is 1 + 1?',
        parameters: { return_full_text: false, max_new_tokens: 64, do_sample: false, details: true },
        options: { use_cache: false, wait_for_model: false },
        stream: false,
      });
    });

    it("streams TGI's tokens as text_completion chunks, the usage chunk from its details for a client that asked", async () => {
      const chunks = await collect(
        await completions.completions.create({
          model: MODEL,
          prompt: 'What is 1 + 1?',
          stream: true,
          stream_options: { include_usage: true },
        }),
      );
      expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.text)).join('')).toBe(
        DEFAULT_REPLY_TEXT,
      );
      expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
      // "What is 1 + 1?" is 5 tokens; the reply is 8, and TGI counts its end-of-sequence token.
      expect(chunks.at(-1)).toMatchObject({
        choices: [],
        usage: { prompt_tokens: 5, completion_tokens: REPLY_TOKENS + 1, total_tokens: 5 + REPLY_TOKENS + 1 },
      });
      expect(received().body).toMatchObject({ stream: true });
      expect(received().body).not.toHaveProperty('stream_options');
    });
  });

  describe("Hugging Face's errors", () => {
    it("passes a loading model's 503 through with its estimated_time, which the openai client reports", async () => {
      huggingface.setBehaviour({ modelLoadingSeconds: 20 });
      const response = await fetch(`${gateway.proxyUrl}/hf-chat/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, messages: QUESTION }),
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        error: `Model ${MODEL} is currently loading`,
        estimated_time: 20,
      });
      await expect(chat.chat.completions.create({ model: MODEL, messages: QUESTION })).rejects.toMatchObject({
        constructor: OpenAI.InternalServerError,
        status: 503,
      });
      // A route configured to wait for the model is answered once it has loaded.
      const waited = await router.chat.completions.create({ model: ROUTER_MODEL, messages: QUESTION });
      expect(waited.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
    });

    it("passes Hugging Face's 401 and a timeout's 504 through with their bodies", async () => {
      huggingface.setBehaviour({ status: 504, body: { error: `Model ${MODEL} time out` } });
      const timedOut = await fetch(`${gateway.proxyUrl}/hf-complete/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, prompt: 'What is 1 + 1?' }),
      });
      expect(timedOut.status).toBe(504);
      expect(await timedOut.json()).toEqual({ error: `Model ${MODEL} time out` });

      huggingface.reset();
      const wrongToken = await addRoute(
        'hf-wrong-token',
        [
          'config.route_type=llm/v1/chat',
          `config.model.name=${MODEL}`,
          `config.model.options.upstream_url=${huggingface.url}/models/${MODEL}`,
        ],
        'hf_revokedToken',
      );
      await expect(
        wrongToken.chat.completions.create({ model: MODEL, messages: QUESTION }),
      ).rejects.toMatchObject({
        constructor: OpenAI.AuthenticationError,
        status: 401,
        // The openai client reads the body's `error`: Hugging Face's message, as it came.
        error: 'Authorization header is correct, but the token seems invalid',
      });
    });
  });

  describe('statistics', () => {
    /** The `ai.proxy` entry of the access log line of the request to `path`, once it is written. */
    async function aiProxyEntryOf(path: string): Promise<Record<string, Record<string, unknown>>> {
      let line: Record<string, unknown> | undefined;
      await expect
        .poll(() => (line = gateway.accessLog().find((entry) => entry['path'] === path)), { timeout: 3000 })
        .toBeDefined();
      return (line!['log'] as Record<string, Record<string, Record<string, unknown>>>)['ai.proxy']!;
    }

    async function aiSeries(model: string): Promise<string[]> {
      const text = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
      return text
        .split('\n')
        .filter((row) => row.startsWith('kong_ai_llm_') && row.includes(`ai_model="${model}"`))
        .filter((row) => !row.includes('_latency_ms') && !row.includes('time_to_first'));
    }

    /** The AI counters' labels: Kong's, and the consumer (none on these routes). */
    const labels = (model: string) =>
      `ai_provider="huggingface",ai_model="${model}",cache_status="",vector_db="",embeddings_provider="",embeddings_model="",workspace="default",consumer=""`;

    it("counts a whole text generation's exact completion tokens and Kong's prompt estimate, with their cost", async () => {
      const model = 'HuggingFaceH4/zephyr-7b-beta';
      const metered = await addRoute('hf-metered-complete', [
        'config.route_type=llm/v1/completions',
        `config.model.name=${model}`,
        `config.model.options.upstream_url=${huggingface.url}/models/${model}`,
      ]);
      await metered.completions.create({ model, prompt: 'What is 1 + 1?' });
      // Kong's estimate: 5 words; Hugging Face's details: 8 tokens and the end-of-sequence one.
      const cost = (5 * INPUT_COST + 9 * OUTPUT_COST) / 1e6;
      const entry = await aiProxyEntryOf('/hf-metered-complete/completions');
      expect(entry['meta']).toMatchObject({
        provider_name: 'huggingface',
        request_model: model,
        response_model: model,
      });
      expect(entry['usage']).toMatchObject({
        prompt_tokens: 5,
        completion_tokens: 9,
        total_tokens: 14,
        cost,
      });
      expect(await aiSeries(model)).toEqual([
        `kong_ai_llm_requests_total{${labels(model)}} 1`,
        `kong_ai_llm_cost_total{${labels(model)}} ${cost}`,
        `kong_ai_llm_tokens_total{${labels(model)},token_type="prompt_tokens"} 5`,
        `kong_ai_llm_tokens_total{${labels(model)},token_type="completion_tokens"} 9`,
        `kong_ai_llm_tokens_total{${labels(model)},token_type="total_tokens"} 14`,
      ]);
    });

    it("counts a streamed chat's exact usage, which the gateway asked for, with its cost", async () => {
      const model = 'Qwen/Qwen2.5-7B-Instruct';
      const metered = await addRoute('hf-metered-chat', [
        'config.route_type=llm/v1/chat',
        `config.model.name=${model}`,
        `config.model.options.upstream_url=${huggingface.url}/v1/chat/completions`,
      ]);
      await collect(
        await metered.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'What is 1 + 1?' }],
          stream: true,
        }),
      );
      const cost = (5 * INPUT_COST + REPLY_TOKENS * OUTPUT_COST) / 1e6;
      const entry = await aiProxyEntryOf('/hf-metered-chat/chat/completions');
      expect(entry['meta']).toMatchObject({
        provider_name: 'huggingface',
        request_model: model,
        response_model: model,
      });
      expect(entry['usage']).toMatchObject({
        prompt_tokens: 5,
        completion_tokens: REPLY_TOKENS,
        total_tokens: 5 + REPLY_TOKENS,
        cost,
      });
      expect(await aiSeries(model)).toEqual([
        `kong_ai_llm_requests_total{${labels(model)}} 1`,
        `kong_ai_llm_cost_total{${labels(model)}} ${cost}`,
        `kong_ai_llm_tokens_total{${labels(model)},token_type="prompt_tokens"} 5`,
        `kong_ai_llm_tokens_total{${labels(model)},token_type="completion_tokens"} ${REPLY_TOKENS}`,
        `kong_ai_llm_tokens_total{${labels(model)},token_type="total_tokens"} ${5 + REPLY_TOKENS}`,
      ]);
    });
  });
});
