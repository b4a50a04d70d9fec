import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_PROVIDER_API_KEY,
  addAiProxyRoute,
  curlData,
  startMockProvider,
  startStandaloneGateway,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';
import {
  FUNCTION_DECLARATIONS,
  GEMINI_MODEL,
  IMAGE_PARTS,
  IMAGE_QUESTION,
  PROMPT_TOKENS,
  QUESTION,
  REPLY_TOKENS,
  SYSTEM,
  TOOL_CALLS,
  TOOLS,
  accessLineOf,
  addGeminiRoute,
  collect,
  metricWith,
  openAiClient,
  streamedText,
} from './gemini.e2e-helpers.js';

const INPUT_COST = 10;
const OUTPUT_COST = 30;
/** Kong's `upstream_url` is the whole URL, used for whole and streamed answers alike: one route each. */
const GEMINI_PATH = `/v1beta/models/${GEMINI_MODEL}`;

/** The Gemini API (API key) through the standalone gateway, driven by the official openai client. */
describe('Gemini through the standalone gateway, with an API key, driven by the official openai client', () => {
  let gateway: StandaloneGateway;
  let gemini: MockProviderServer;
  let whole: OpenAI;
  let streaming: OpenAI;

  beforeAll(async () => {
    gemini = await startMockProvider('gemini');
    gateway = await startStandaloneGateway();
    const service = await gateway.admin.form(
      'POST',
      '/services',
      curlData('name=llm', 'url=http://localhost:32000'),
    );
    expect(service.status, service.text).toBe(201);
    const config = (operation: string) => ({
      auth: { header_name: 'x-goog-api-key', header_value: MOCK_PROVIDER_API_KEY },
      model: {
        options: {
          upstream_url: `${gemini.url}${GEMINI_PATH}:${operation}`,
          max_tokens: 512,
          input_cost: INPUT_COST,
          output_cost: OUTPUT_COST,
        },
      },
      logging: { log_statistics: true },
    });
    await addGeminiRoute(gateway, 'gemini', config('generateContent'));
    await addGeminiRoute(gateway, 'gemini-stream', config('streamGenerateContent'));
    await addGeminiRoute(gateway, 'gemini-key-param', {
      auth: { param_name: 'key', param_value: MOCK_PROVIDER_API_KEY, param_location: 'query' },
      model: { options: { upstream_url: `${gemini.url}${GEMINI_PATH}:generateContent` } },
    });
    whole = openAiClient(gateway, 'gemini');
    streaming = openAiClient(gateway, 'gemini-stream');
  }, 60_000);

  beforeEach(() => gemini.reset());

  afterAll(async () => {
    await gateway?.stop();
    await gemini?.close();
  });

  /** What the mock Gemini received last: it has already checked the key, the fields and the turns. */
  function received(): { path: string; headers: Record<string, unknown>; body: Record<string, unknown> } {
    const request = gemini.lastRequest()!;
    return { path: request.path, headers: request.headers, body: request.body as Record<string, unknown> };
  }

  it('answers a chat with a system prompt: Gemini gets systemInstruction, contents and the configured maxOutputTokens', async () => {
    const completion = await whole.chat.completions.create({
      model: GEMINI_MODEL,
      messages: QUESTION,
      user: 'user-7',
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: GEMINI_MODEL,
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
    // Gemini's responseId.
    expect(completion.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(upstream.path).toBe(`${GEMINI_PATH}:generateContent`);
    expect(upstream.headers['x-goog-api-key']).toBe(MOCK_PROVIDER_API_KEY);
    // The client's own key never reaches Gemini.
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.body).toEqual({
      systemInstruction: { parts: [{ text: SYSTEM }] },
      contents: [{ role: 'user', parts: [{ text: 'What is 1 + 1?' }] }],
      generationConfig: { maxOutputTokens: 512 },
    });
  });

  it('counts the tokens and the cost in /metrics and in the access log', async () => {
    const labels = ['ai_provider="gemini"', `ai_model="${GEMINI_MODEL}"`];
    const tokens = (type: string) =>
      metricWith(gateway, 'kong_ai_llm_tokens_total', [...labels, `token_type="${type}"`]);
    const [prompt, completion, cost] = await Promise.all([
      tokens('prompt_tokens'),
      tokens('completion_tokens'),
      metricWith(gateway, 'kong_ai_llm_cost_total', labels),
    ]);
    const client = new OpenAI({
      baseURL: `${gateway.proxyUrl}/gemini/counted`,
      apiKey: 'client-key',
      maxRetries: 0,
    });
    await client.chat.completions.create({ model: GEMINI_MODEL, messages: QUESTION });
    const line = await accessLineOf(gateway, '/gemini/counted/chat/completions');
    const expectedCost = (PROMPT_TOKENS * INPUT_COST + REPLY_TOKENS * OUTPUT_COST) / 1e6;
    expect((line.log as Record<string, Record<string, unknown>>)['ai.proxy']).toMatchObject({
      meta: { provider_name: 'gemini', request_model: GEMINI_MODEL, response_model: GEMINI_MODEL },
      usage: {
        prompt_tokens: PROMPT_TOKENS,
        completion_tokens: REPLY_TOKENS,
        total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
        cost: expectedCost,
      },
    });
    await expect.poll(() => tokens('prompt_tokens'), { timeout: 3000 }).toBe(prompt + PROMPT_TOKENS);
    expect(await tokens('completion_tokens')).toBe(completion + REPLY_TOKENS);
    expect(await metricWith(gateway, 'kong_ai_llm_cost_total', labels)).toBeCloseTo(cost + expectedCost, 12);
  });

  it('streams a chat from streamGenerateContent (a JSON array), with the usage chunk the client asked for', async () => {
    const stream = await streaming.chat.completions.create({
      model: GEMINI_MODEL,
      messages: QUESTION,
      stream: true,
      stream_options: { include_usage: true },
    });
    const { chunks, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(streamedText(chunks)).toBe(DEFAULT_REPLY_TEXT);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: PROMPT_TOKENS,
        completion_tokens: REPLY_TOKENS,
        total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
      },
    });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    // stream_options is not a Gemini field: the mock refuses unknown names, as Gemini does.
    expect(received().path).toBe(`${GEMINI_PATH}:streamGenerateContent`);
    expect(received().body).not.toHaveProperty('stream_options');
  });

  it('calls several tools in one answer, whole and streamed, with what real clients send', async () => {
    gemini.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
    const request = {
      model: GEMINI_MODEL,
      messages: QUESTION,
      tools: TOOLS,
      tool_choice: 'auto' as const,
      parallel_tool_calls: true,
      user: 'user-7',
    };
    const completion = await whole.chat.completions.create(request);
    const calls = completion.choices[0].message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.content).toBeNull();
    expect(calls.map((call) => [call.id, call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      [`call_${completion.id}_0`, 'get_weather', { city: 'Oslo' }],
      [`call_${completion.id}_1`, 'get_time', { zone: 'Europe/Oslo' }],
    ]);
    expect(received().body).toMatchObject({
      tools: [{ functionDeclarations: FUNCTION_DECLARATIONS }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
    });

    const streamed = await streaming.chat.completions.stream(request).finalChatCompletion();
    expect(streamed.choices[0].finish_reason).toBe('tool_calls');
    expect(
      (streamed.choices[0].message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[]).map(
        (call) => [call.id, call.function.name, call.function.arguments],
      ),
    ).toEqual([
      [`call_${streamed.id}_0`, 'get_weather', '{"city":"Oslo"}'],
      [`call_${streamed.id}_1`, 'get_time', '{"zone":"Europe/Oslo"}'],
    ]);
  });

  it("sends the tools' results back as functionResponse parts that Gemini accepts", async () => {
    const completion = await whole.chat.completions.create({
      model: GEMINI_MODEL,
      tools: TOOLS,
      messages: [
        ...QUESTION,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_r_0',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            {
              id: 'call_r_1',
              type: 'function',
              function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_r_0', content: '{"celsius": 21}' },
        { role: 'tool', tool_call_id: 'call_r_1', content: '14:00' },
      ],
    });
    expect(completion.choices[0].message.content).toBe(DEFAULT_REPLY_TEXT);
    expect((received().body.contents as unknown[]).slice(-2)).toEqual([
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
          { functionCall: { name: 'get_time', args: { zone: 'Europe/Oslo' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { celsius: 21 } } },
          { functionResponse: { name: 'get_time', response: { output: '14:00' } } },
        ],
      },
    ]);
  });

  it('sends images inline from data: URLs and as files Gemini fetches from other URLs, whole and streamed', async () => {
    const completion = await whole.chat.completions.create({ model: GEMINI_MODEL, messages: IMAGE_QUESTION });
    expect(completion.choices[0].message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(received().body.contents).toEqual([{ role: 'user', parts: IMAGE_PARTS }]);
    const { chunks } = await collect(
      await streaming.chat.completions.create({
        model: GEMINI_MODEL,
        messages: IMAGE_QUESTION,
        stream: true,
      }),
    );
    expect(streamedText(chunks)).toBe(DEFAULT_REPLY_TEXT);
    expect(received().body.contents).toEqual([{ role: 'user', parts: IMAGE_PARTS }]);
  });

  it('puts the key in the key query parameter when the config says so', async () => {
    const completion = await openAiClient(gateway, 'gemini-key-param').chat.completions.create({
      model: GEMINI_MODEL,
      messages: QUESTION,
    });
    expect(completion.choices[0].message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(received().path).toBe(`${GEMINI_PATH}:generateContent?key=${MOCK_PROVIDER_API_KEY}`);
    expect(received().headers['x-goog-api-key']).toBeUndefined();
  });

  it('answers a prompt Gemini blocks with content_filter and a refusal, whole and streamed', async () => {
    gemini.setBehaviour({ safetyBlock: 'prompt' });
    const completion = await whole.chat.completions.create({ model: GEMINI_MODEL, messages: QUESTION });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'content_filter',
      message: { content: null, refusal: 'gemini blocked the prompt (blockReason SAFETY)' },
    });
    gemini.setBehaviour({ safetyBlock: 'answer' });
    const { chunks, error } = await collect(
      await streaming.chat.completions.create({ model: GEMINI_MODEL, messages: QUESTION, stream: true }),
    );
    expect(error).toBeUndefined();
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('content_filter');
  });

  it('ends a stream whose upstream reports an error midway with an error event, counted as failed in the log and /metrics', async () => {
    gemini.setBehaviour({ streamErrorAfter: 2 });
    const series = 'switchyard_http_response_failures_total';
    const reason = ['reason="provider_stream_error"'];
    const before = await metricWith(gateway, series, reason);
    const client = new OpenAI({
      baseURL: `${gateway.proxyUrl}/gemini-stream/failing`,
      apiKey: 'client-key',
      maxRetries: 0,
    });
    const { chunks, error } = await collect(
      await client.chat.completions.create({ model: GEMINI_MODEL, messages: QUESTION, stream: true }),
    );
    expect(streamedText(chunks)).toBe('The answer');
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({
      message: expect.stringMatching(/^An internal error has occurred/),
      error: { type: 'INTERNAL' },
    });
    const line = await accessLineOf(gateway, '/gemini-stream/failing/chat/completions');
    expect(line).toMatchObject({ status: 200, failure: 'provider_stream_error' });
    await expect.poll(() => metricWith(gateway, series, reason), { timeout: 3000 }).toBe(before + 1);
  });

  it('ends a stream whose connection breaks midway with an error event, counted as failed', async () => {
    gemini.setBehaviour({ failMidStreamAfter: 3 });
    const client = new OpenAI({
      baseURL: `${gateway.proxyUrl}/gemini-stream/broken`,
      apiKey: 'client-key',
      maxRetries: 0,
    });
    const { error } = await collect(
      await client.chat.completions.create({ model: GEMINI_MODEL, messages: QUESTION, stream: true }),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/^upstream stream failed/);
    expect(await accessLineOf(gateway, '/gemini-stream/broken/chat/completions')).toMatchObject({
      failure: expect.any(String),
    });
  });

  it("passes a Gemini error answer through with its status and Google's body", async () => {
    gemini.setBehaviour({ status: 429 });
    const response = await fetch(`${gateway.proxyUrl}/gemini/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: GEMINI_MODEL, messages: QUESTION }),
    });
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
      },
    });
  });

  it("serves Gemini's own SDK on a preserve route: the gateway swaps the client's key for its own", async () => {
    await addAiProxyRoute(gateway.admin, {
      service: 'llm',
      name: 'gemini-native',
      paths: ['/v1beta/models'],
      plugin: [
        'config.route_type=preserve',
        'config.model.provider=gemini',
        'config.auth.header_name=x-goog-api-key',
        `config.auth.header_value=${MOCK_PROVIDER_API_KEY}`,
        `config.model.options.upstream_url=${gemini.url}`,
      ],
    });
    // Served once Gemini answers through it (an OPTIONS probe would get the provider's 404).
    const probe = () =>
      fetch(`${gateway.proxyUrl}${GEMINI_PATH}:generateContent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'ping' }] }] }),
      }).then((response) => response.status);
    await expect.poll(probe, { timeout: 5000 }).toBe(200);
    const native = new GoogleGenAI({
      apiKey: 'client-key',
      httpOptions: { baseUrl: gateway.proxyUrl, apiVersion: 'v1beta' },
    });
    const answer = await native.models.generateContent({ model: GEMINI_MODEL, contents: 'What is 1 + 1?' });
    expect(answer.text).toBe(DEFAULT_REPLY_TEXT);
    expect(received().headers['x-goog-api-key']).toBe(MOCK_PROVIDER_API_KEY);
    const pieces: string[] = [];
    for await (const chunk of await native.models.generateContentStream({
      model: GEMINI_MODEL,
      contents: 'Hi',
    }))
      pieces.push(chunk.text ?? '');
    expect(pieces.join('')).toBe(DEFAULT_REPLY_TEXT);
    expect(received().path).toBe(`${GEMINI_PATH}:streamGenerateContent?alt=sse`);
  });

  it('refuses a tool schema Gemini cannot declare with a 400 naming the tool and the keyword', async () => {
    const failure = await whole.chat.completions
      .create({
        model: GEMINI_MODEL,
        messages: QUESTION,
        tools: [
          {
            type: 'function',
            function: { name: 'f', parameters: { type: 'object', properties: { a: { not: {} } } } },
          },
        ],
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as Error).message).toBe(
      "400 error transforming to gemini://llm/v1/chat: tool 'f' parameters #/properties/a: JSON Schema keyword 'not' has no gemini equivalent",
    );
    expect(gemini.requests).toEqual([]);
  });
});
