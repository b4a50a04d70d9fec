import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_PROVIDER_API_KEY,
  type OtlpSink,
  aiCountersOf,
  aiProxyLogsOf,
  waitUntilServed,
  type AiMetricsReading,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';
import { addMeteredRoute, startTracedGateway, type TracedGateway } from './client-format.e2e-helpers.js';

const INSTRUCTIONS = 'You are a mathematician.';
const QUESTION = 'What is 1 + 1?';
// "You are a mathematician." + "What is 1 + 1?": 4 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 9;
const REPLY_TOKENS = 8;
/** OpenTelemetry's `SPAN_KIND_CLIENT`: the upstream call. */
const CLIENT_SPAN = 3;
// Per million tokens, as configured on every route.
const INPUT_COST = 2;
const OUTPUT_COST = 10;
const TOOLS: OpenAI.Responses.FunctionTool[] = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    strict: false,
  },
  {
    type: 'function',
    name: 'get_time',
    parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
    strict: false,
  },
];
const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];

/** One provider a `llm/v1/responses` route is served by. */
interface Target {
  readonly provider: 'openai' | 'azure' | 'anthropic' | 'mistral';
  /** How the gateway serves it: OpenAI's own Responses API, or the pivot through chat. */
  readonly via: 'pass-through' | 'pivot';
  /** `gen_ai.provider.name` of the upstream call's span. */
  readonly telemetryName: string;
  readonly model: string;
  /** The route's path prefix: the SDK's base URL. */
  readonly path: string;
  /** The plugin's provider-specific `--data` pairs. */
  readonly plugin: (mock: MockProviderServer) => string[];
}

const BEARER = [
  'config.auth.header_name=Authorization',
  `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
];

const TARGETS: readonly Target[] = [
  {
    provider: 'openai',
    via: 'pass-through',
    telemetryName: 'openai',
    model: 'gpt-4.1-mini',
    path: '/responses-openai',
    plugin: (mock) => [...BEARER, `config.model.options.upstream_url=${mock.url}/v1/responses`],
  },
  {
    provider: 'azure',
    via: 'pass-through',
    telemetryName: 'azure.ai.openai',
    model: 'gpt-4o-mini',
    path: '/responses-azure',
    plugin: (mock) => [
      'config.auth.header_name=api-key',
      `config.auth.header_value=${MOCK_PROVIDER_API_KEY}`,
      'config.model.options.azure_instance=switchyard-test',
      'config.model.options.azure_deployment_id=gpt-4o-mini',
      'config.model.options.azure_api_version=2025-03-01-preview',
      `config.model.options.upstream_url=${mock.url}/openai/responses`,
    ],
  },
  {
    provider: 'anthropic',
    via: 'pivot',
    telemetryName: 'anthropic',
    model: 'claude-haiku-4-5',
    path: '/responses-anthropic',
    plugin: (mock) => [
      'config.auth.header_name=x-api-key',
      `config.auth.header_value=${MOCK_PROVIDER_API_KEY}`,
      'config.model.options.anthropic_version=2023-06-01',
      `config.model.options.upstream_url=${mock.url}/v1/messages`,
    ],
  },
  {
    provider: 'mistral',
    via: 'pivot',
    telemetryName: 'mistral_ai',
    model: 'mistral-small-latest',
    path: '/responses-mistral',
    plugin: (mock) => [
      ...BEARER,
      'config.model.options.mistral_format=openai',
      `config.model.options.upstream_url=${mock.url}/v1/chat/completions`,
    ],
  },
];

/** The `--data` pairs under `prefix` (`config.auth.`) as a JSON record: the same settings in a JSON config. */
function pairsUnder(pairs: readonly string[], prefix: string): Record<string, string> {
  return Object.fromEntries(
    pairs
      .filter((pair) => pair.startsWith(prefix))
      .map((pair) => pair.slice(prefix.length).split(/=(.*)/s, 2)),
  );
}

const targetOf = (provider: Target['provider']): Target =>
  TARGETS.find((target) => target.provider === provider)!;

describe('OpenAI Responses API clients (openai SDK, Vercel AI SDK) through the standalone gateway', () => {
  let traced: TracedGateway<Target['provider']> | undefined;
  let gateway: StandaloneGateway;
  let sink: OtlpSink;
  let mocks: Readonly<Record<Target['provider'], MockProviderServer>>;

  beforeAll(async () => {
    traced = await startTracedGateway(['openai', 'azure', 'anthropic', 'mistral'] as const);
    ({ gateway, sink, mocks } = traced);
    for (const target of TARGETS) {
      await addMeteredRoute(gateway, {
        name: target.path.slice(1),
        provider: target.provider,
        model: target.model,
        cost: { input: INPUT_COST, output: OUTPUT_COST },
        config: [
          'config.route_type=llm/v1/responses',
          'config.auth.allow_override=false',
          ...target.plugin(mocks[target.provider]),
        ],
      });
    }
    // ai-proxy-advanced: OpenAI's Responses API first, Anthropic through the pivot when it fails.
    const failover = await gateway.admin.json('POST', '/services/llm/routes', {
      name: 'responses-failover',
      paths: ['/responses-failover'],
    });
    expect(failover.status, failover.text).toBe(201);
    const advanced = await gateway.admin.json('POST', '/routes/responses-failover/plugins', {
      name: 'ai-proxy-advanced',
      config: {
        balancer: { algorithm: 'priority', failover_criteria: ['error', 'http_429', 'non_idempotent'] },
        targets: (['openai', 'anthropic'] as const).map((provider, index) => {
          const target = targetOf(provider);
          const pairs = target.plugin(mocks[provider]);
          return {
            route_type: 'llm/v1/responses',
            weight: 100 - index,
            auth: pairsUnder(pairs, 'config.auth.'),
            model: { provider, name: target.model, options: pairsUnder(pairs, 'config.model.options.') },
            logging: { log_statistics: true },
          };
        }),
      },
    });
    expect(advanced.status, advanced.text).toBe(201);
    // Served once the plugin answers at /responses (anywhere else under the route is its 404).
    await waitUntilServed(gateway.proxyUrl, `${TARGETS.at(-1)!.path}/v1/responses`);
  }, 60_000);

  beforeEach(() => {
    for (const mock of Object.values(mocks)) mock.reset();
  });

  afterAll(async () => {
    await traced?.stop();
  });

  /** The route's base URL, with a suffix that tells this test's log line apart. */
  const baseUrl = (target: Target, suffix: string) => `${gateway.proxyUrl}${target.path}/${suffix}/v1`;

  function clientFor(target: Target, suffix: string): OpenAI {
    return new OpenAI({ baseURL: baseUrl(target, suffix), apiKey: 'client-key', maxRetries: 0 });
  }

  /** The target's AI counters in /metrics now. */
  const counters = (target: Target) => aiCountersOf(gateway, target.provider, target.model);

  /** Usage, cost, analytics and the span of one answer of the default reply to the question, counted exactly once. */
  async function expectCounted(target: Target, path: string, before: AiMetricsReading, stream: boolean) {
    const cost = (PROMPT_TOKENS * INPUT_COST + REPLY_TOKENS * OUTPUT_COST) / 1e6;
    const [analytics] = await aiProxyLogsOf(gateway, path, 1);
    expect(analytics!.meta).toMatchObject({ provider_name: target.provider, request_model: target.model });
    expect(analytics!.usage).toMatchObject({
      prompt_tokens: PROMPT_TOKENS,
      completion_tokens: REPLY_TOKENS,
      total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
      cost,
    });
    await expect
      .poll(() => counters(target), { timeout: 3000 })
      .toMatchObject({
        requests: before.requests + 1,
        prompt_tokens: before.prompt_tokens + PROMPT_TOKENS,
        completion_tokens: before.completion_tokens + REPLY_TOKENS,
        cost: expect.closeTo(before.cost + cost, 12) as number,
      });
    const span = await sink.lastSpan(
      {
        'gen_ai.provider.name': target.telemetryName,
        'gen_ai.request.model': target.model,
        'gen_ai.request.stream': stream,
      },
      CLIENT_SPAN,
    );
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': PROMPT_TOKENS,
      'gen_ai.usage.output_tokens': REPLY_TOKENS,
    });
  }

  describe.each(TARGETS)('served by $provider ($via)', (target) => {
    it('answers responses.create with a message item, status and usage; usage, cost and span exact', async () => {
      const before = await counters(target);
      const response = await clientFor(target, 'whole').responses.create({
        model: target.model,
        instructions: INSTRUCTIONS,
        input: QUESTION,
        max_output_tokens: 256,
        temperature: 0.2,
      });
      expect(response).toMatchObject({
        object: 'response',
        status: 'completed',
        model: target.model,
        output: [
          {
            type: 'message',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: DEFAULT_REPLY_TEXT }],
          },
        ],
        usage: {
          input_tokens: PROMPT_TOKENS,
          output_tokens: REPLY_TOKENS,
          total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
        },
      });
      expect(response.output_text).toBe(DEFAULT_REPLY_TEXT);
      expect(response.id).toMatch(/^resp_/);
      await expectCounted(target, `${target.path}/whole/v1/responses`, before, false);
    });

    it('streams with responses.stream: numbered events as they come, response.completed with usage', async () => {
      const before = await counters(target);
      const stream = clientFor(target, 'stream').responses.stream({
        model: target.model,
        instructions: INSTRUCTIONS,
        input: [{ role: 'user', content: [{ type: 'input_text', text: QUESTION }] }],
      });
      const types: string[] = [];
      const sequence: number[] = [];
      let text = '';
      for await (const event of stream) {
        types.push(event.type);
        sequence.push(event.sequence_number);
        if (event.type === 'response.output_text.delta') text += event.delta;
      }
      const response = await stream.finalResponse();
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      expect(sequence).toEqual(sequence.map((_, index) => index));
      expect(types.slice(0, 4)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
      ]);
      expect(types.filter((type) => type === 'response.output_text.delta').length).toBeGreaterThan(1);
      expect(types.slice(-4)).toEqual([
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(response.output_text).toBe(DEFAULT_REPLY_TEXT);
      expect(response.usage).toMatchObject({ input_tokens: PROMPT_TOKENS, output_tokens: REPLY_TOKENS });
      await expectCounted(target, `${target.path}/stream/v1/responses`, before, true);
    });

    it('calls function tools, whole and streamed, and takes their outputs back as the SDK sends them', async () => {
      mocks[target.provider].setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
      const request = {
        model: target.model,
        input: QUESTION,
        tools: TOOLS,
        tool_choice: 'auto' as const,
        parallel_tool_calls: true,
      };
      const client = clientFor(target, 'tools');
      const expected = TOOL_CALLS.map((call) => ({
        type: 'function_call',
        name: call.name,
        arguments: JSON.stringify(call.arguments),
        status: 'completed',
      }));
      const whole = await client.responses.create(request);
      expect(whole.status).toBe('completed');
      expect(whole.output).toMatchObject(expected);

      const stream = client.responses.stream(request);
      const argumentDeltas: string[] = [];
      for await (const event of stream)
        if (event.type === 'response.function_call_arguments.delta') argumentDeltas.push(event.delta);
      const streamed = await stream.finalResponse();
      expect(argumentDeltas.join('')).toBe(expected.map((call) => call.arguments).join(''));
      expect(streamed.output).toMatchObject(expected);
      const calls = streamed.output.flatMap((item) => (item.type === 'function_call' ? [item] : []));
      expect(new Set(calls.map((call) => call.call_id)).size).toBe(2);

      // The calls and their outputs go back as items, and the provider accepts the turn.
      mocks[target.provider].reset();
      const answer = await client.responses.create({
        ...request,
        input: [
          { role: 'user', content: QUESTION },
          ...calls.map(({ call_id, name, arguments: args }) => ({
            type: 'function_call' as const,
            call_id,
            name,
            arguments: args,
          })),
          { type: 'function_call_output', call_id: calls[0]!.call_id, output: '21 degrees' },
          { type: 'function_call_output', call_id: calls[1]!.call_id, output: '14:00' },
        ],
      });
      expect(answer.output_text).toBe(DEFAULT_REPLY_TEXT);
    });

    it('serves the Vercel AI SDK openai(model) generateText and streamText, usage exact', async () => {
      const before = await counters(target);
      const provider = createOpenAI({ baseURL: baseUrl(target, 'ai-sdk'), apiKey: 'client-key' });
      const generated = await generateText({
        model: provider(target.model),
        system: INSTRUCTIONS,
        prompt: QUESTION,
        maxRetries: 0,
      });
      expect(generated.text).toBe(DEFAULT_REPLY_TEXT);
      expect(generated.finishReason).toBe('stop');
      expect(generated.usage).toMatchObject({ inputTokens: PROMPT_TOKENS, outputTokens: REPLY_TOKENS });

      const streamed = streamText({
        model: provider(target.model),
        system: INSTRUCTIONS,
        prompt: QUESTION,
        maxRetries: 0,
      });
      const pieces: string[] = [];
      for await (const piece of streamed.textStream) pieces.push(piece);
      expect(pieces.length).toBeGreaterThan(1);
      expect(pieces.join('')).toBe(DEFAULT_REPLY_TEXT);
      expect(await streamed.usage).toMatchObject({ inputTokens: PROMPT_TOKENS, outputTokens: REPLY_TOKENS });
      const cost = (PROMPT_TOKENS * INPUT_COST + REPLY_TOKENS * OUTPUT_COST) / 1e6;
      await expect
        .poll(() => counters(target), { timeout: 3000 })
        .toMatchObject({
          requests: before.requests + 2,
          prompt_tokens: before.prompt_tokens + 2 * PROMPT_TOKENS,
          completion_tokens: before.completion_tokens + 2 * REPLY_TOKENS,
          cost: expect.closeTo(before.cost + 2 * cost, 12) as number,
        });
    });

    it('gives the Vercel AI SDK its tool calls, whole and streamed', async () => {
      mocks[target.provider].setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
      const provider = createOpenAI({ baseURL: baseUrl(target, 'ai-sdk-tools'), apiKey: 'client-key' });
      // No `execute`: the SDK hands the calls back instead of running them.
      const tools = {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: jsonSchema<{ city: string }>(TOOLS[0]!.parameters as object),
        }),
        get_time: tool({ inputSchema: jsonSchema<{ zone: string }>(TOOLS[1]!.parameters as object) }),
      };
      const expected = TOOL_CALLS.map((call) => ({ toolName: call.name, input: call.arguments }));
      const generated = await generateText({
        model: provider(target.model),
        prompt: QUESTION,
        tools,
        maxRetries: 0,
      });
      expect(generated.finishReason).toBe('tool-calls');
      expect(generated.toolCalls).toMatchObject(expected);

      const streamed = streamText({ model: provider(target.model), prompt: QUESTION, tools, maxRetries: 0 });
      expect(await streamed.toolCalls).toMatchObject(expected);
      expect(await streamed.finishReason).toBe('tool-calls');
    });

    it('ends a stream the provider breaks off with a numbered error event', async () => {
      mocks[target.provider].setBehaviour({ failMidStreamAfter: 6 });
      const stream = await clientFor(target, 'broken').responses.create({
        model: target.model,
        input: QUESTION,
        stream: true,
      });
      const events: OpenAI.Responses.ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
      expect(events.at(-1)).toMatchObject({
        type: 'error',
        message: expect.stringContaining('upstream stream failed') as string,
      });
      expect(events.some((event) => event.type === 'response.completed')).toBe(false);
    });

    it("answers the provider's errors in OpenAI's error shape with their status, which the SDK raises", async () => {
      mocks[target.provider].setBehaviour({ status: 429 });
      const error = await clientFor(target, 'errors')
        .responses.create({ model: target.model, input: QUESTION })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    });
  });

  it('refuses stateful requests on a pivot with a 400 naming the field, and passes them to OpenAI', async () => {
    const [openai, anthropic] = [targetOf('openai'), targetOf('anthropic')];
    const refused = await clientFor(anthropic, 'stateful')
      .responses.create({ model: anthropic.model, input: QUESTION, previous_response_id: 'resp_123' })
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(
      "field 'previous_response_id' needs stored responses; only the openai and azure providers keep responses",
    );
    const stored = await clientFor(anthropic, 'stateful')
      .responses.create({ model: anthropic.model, input: QUESTION, store: true })
      .catch((caught: unknown) => caught);
    expect(stored).toBeInstanceOf(OpenAI.BadRequestError);
    expect(mocks.anthropic.requests).toHaveLength(0);

    const passed = await clientFor(openai, 'stateful').responses.create({
      model: openai.model,
      input: QUESTION,
      previous_response_id: 'resp_123',
      store: true,
    });
    expect(passed.output_text).toBe(DEFAULT_REPLY_TEXT);
    expect(mocks.openai.requests.at(-1)?.body).toMatchObject({
      previous_response_id: 'resp_123',
      store: true,
    });
  });

  it('fails a Responses request over from OpenAI (pass-through) to Anthropic (pivot) with ai-proxy-advanced', async () => {
    mocks.openai.setBehaviour({ status: 429 });
    const client = new OpenAI({
      baseURL: `${gateway.proxyUrl}/responses-failover/v1`,
      apiKey: 'client-key',
      maxRetries: 0,
    });
    const whole = await client.responses.create({ model: 'any', input: QUESTION });
    expect(whole.output_text).toBe(DEFAULT_REPLY_TEXT);
    const stream = client.responses.stream({ model: 'any', input: QUESTION });
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe(DEFAULT_REPLY_TEXT);
    expect((await stream.finalResponse()).usage).toMatchObject({ output_tokens: REPLY_TOKENS });
    expect(mocks.openai.requests).toHaveLength(2);
    expect(mocks.anthropic.requests.map((request) => request.path)).toEqual(['/v1/messages', '/v1/messages']);
  });

  it("answers 404 in OpenAI's error shape for a path other than /responses under the route", async () => {
    const response = await fetch(`${gateway.proxyUrl}/responses-anthropic/v1/responses/resp_123`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: "route_type 'llm/v1/responses' serves /responses under the route only",
        type: 'not_found_error',
        param: null,
        code: null,
      },
    });
  });

  it('refuses OpenAI-hosted tools on a pivot, naming the tool type', async () => {
    const anthropic = targetOf('anthropic');
    const refused = await clientFor(anthropic, 'hosted')
      .responses.create({ model: anthropic.model, input: QUESTION, tools: [{ type: 'web_search_preview' }] })
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(
      "tools[0]: tool type 'web_search_preview' runs on OpenAI only",
    );
  });
});
