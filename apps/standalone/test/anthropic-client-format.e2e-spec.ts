import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_AWS_CREDENTIALS,
  MOCK_PROVIDER_API_KEY,
  waitUntilServed,
  type MockProviderServer,
  type ReceivedSpan,
  type StandaloneGateway,
} from '@switchyard/testing';
import {
  addMeteredRoute,
  startTracedGateway,
  type TracedGateway,
  upstreamSpanWith,
} from './client-format.e2e-helpers.js';

const SYSTEM = 'You are a mathematician.';
const QUESTION: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is 1 + 1?' }];
// "You are a mathematician." + "What is 1 + 1?": 4 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 9;
const REPLY_TOKENS = 8;
// Per million tokens, as configured on every route.
const INPUT_COST = 3;
const OUTPUT_COST = 15;
const TOOLS: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    description: 'The weather in a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  {
    name: 'get_time',
    input_schema: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
  },
];
const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];

/** One provider an Anthropic-format route is served by. */
interface Target {
  readonly provider: 'anthropic' | 'bedrock' | 'openai';
  /** `gen_ai.provider.name` of the upstream call's span. */
  readonly telemetryName: string;
  readonly model: string;
  /** The route's path prefix: the SDK's base URL. */
  readonly path: string;
  /** The plugin's provider-specific `--data` pairs. */
  readonly plugin: (mock: MockProviderServer) => string[];
}

const TARGETS: readonly Target[] = [
  {
    provider: 'anthropic',
    telemetryName: 'anthropic',
    model: 'claude-haiku-4-5',
    path: '/claude',
    plugin: (mock) => [
      'config.auth.header_name=x-api-key',
      `config.auth.header_value=${MOCK_PROVIDER_API_KEY}`,
      'config.model.options.anthropic_version=2023-06-01',
      `config.model.options.upstream_url=${mock.url}/v1/messages`,
    ],
  },
  {
    provider: 'bedrock',
    telemetryName: 'aws.bedrock',
    model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    path: '/claude-on-bedrock',
    // The endpoint comes from AWS_ENDPOINT_URL_BEDROCK_RUNTIME, so that streams go to converse-stream.
    plugin: () => [
      `config.auth.aws_access_key_id=${MOCK_AWS_CREDENTIALS.accessKeyId}`,
      `config.auth.aws_secret_access_key=${MOCK_AWS_CREDENTIALS.secretAccessKey}`,
      'config.model.options.bedrock.aws_region=us-east-1',
    ],
  },
  {
    provider: 'openai',
    telemetryName: 'openai',
    model: 'gpt-4o-mini',
    path: '/claude-on-openai',
    plugin: (mock) => [
      'config.auth.header_name=Authorization',
      `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
      `config.model.options.upstream_url=${mock.url}/v1/chat/completions`,
    ],
  },
];

describe('Anthropic-format clients (@anthropic-ai/sdk) through the standalone gateway', () => {
  let traced: TracedGateway<Target['provider']>;
  let gateway: StandaloneGateway;
  let mocks: TracedGateway<Target['provider']>['mocks'];

  beforeAll(async () => {
    traced = await startTracedGateway(['anthropic', 'bedrock', 'openai'] as const);
    ({ gateway, mocks } = traced);
    for (const target of TARGETS) {
      await addMeteredRoute(gateway, {
        name: target.path.slice(1),
        provider: target.provider,
        model: target.model,
        cost: { input: INPUT_COST, output: OUTPUT_COST },
        config: [
          'config.route_type=llm/v1/chat',
          'config.llm_format=anthropic',
          'config.auth.allow_override=false',
          ...target.plugin(mocks[target.provider]),
        ],
      });
    }
    // Served once the plugin answers at its native path (anywhere else under the route is its 404).
    await waitUntilServed(gateway.proxyUrl, `${TARGETS.at(-1)!.path}/v1/messages`);
  }, 60_000);

  beforeEach(() => {
    for (const mock of Object.values(mocks)) mock.reset();
  });

  afterAll(() => traced?.stop());

  /** An SDK client whose base URL is the route (with a suffix that tells this test's log line apart). */
  function clientFor(target: Target, suffix: string): Anthropic {
    return new Anthropic({
      baseURL: `${gateway.proxyUrl}${target.path}/${suffix}`,
      apiKey: 'client-key',
      maxRetries: 0,
    });
  }

  async function metricValue(metric: string, labels: readonly string[]): Promise<number> {
    const text = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
    const row = text
      .split('\n')
      .find((line) => line.startsWith(`${metric}{`) && labels.every((label) => line.includes(label)));
    return row ? Number(row.slice(row.lastIndexOf(' ') + 1)) : 0;
  }

  /** The target's token and cost counters in /metrics. */
  async function counters(target: Target) {
    const labels = [`ai_provider="${target.provider}"`, `ai_model="${target.model}"`];
    return {
      prompt: await metricValue('kong_ai_llm_tokens_total', [...labels, 'token_type="prompt_tokens"']),
      completion: await metricValue('kong_ai_llm_tokens_total', [
        ...labels,
        'token_type="completion_tokens"',
      ]),
      cost: await metricValue('kong_ai_llm_cost_total', labels),
    };
  }

  async function analyticsOf(path: string): Promise<Record<string, Record<string, unknown>>> {
    let line: Record<string, unknown> | undefined;
    await expect
      .poll(() => (line = gateway.accessLog().find((entry) => entry['path'] === path)), { timeout: 3000 })
      .toBeDefined();
    return (line!['log'] as Record<string, Record<string, Record<string, unknown>>>)['ai.proxy']!;
  }

  function upstreamSpanOf(target: Target): Promise<ReceivedSpan> {
    return upstreamSpanWith(traced.sink, {
      'gen_ai.provider.name': target.telemetryName,
      'gen_ai.request.model': target.model,
    });
  }

  /** Usage, cost, analytics and the span of one answer of the default reply to QUESTION, counted exactly once. */
  async function expectCounted(target: Target, path: string, before: Awaited<ReturnType<typeof counters>>) {
    const cost = (PROMPT_TOKENS * INPUT_COST + REPLY_TOKENS * OUTPUT_COST) / 1e6;
    const analytics = await analyticsOf(path);
    expect(analytics['meta']).toMatchObject({ provider_name: target.provider, request_model: target.model });
    expect(analytics['usage']).toMatchObject({
      prompt_tokens: PROMPT_TOKENS,
      completion_tokens: REPLY_TOKENS,
      total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
      cost,
    });
    await expect
      .poll(() => counters(target), { timeout: 3000 })
      .toEqual({
        prompt: before.prompt + PROMPT_TOKENS,
        completion: before.completion + REPLY_TOKENS,
        cost: expect.closeTo(before.cost + cost, 12) as number,
      });
    const span = await upstreamSpanOf(target);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': PROMPT_TOKENS,
      'gen_ai.usage.output_tokens': REPLY_TOKENS,
    });
  }

  describe.each(TARGETS)('served by $provider', (target) => {
    it('answers messages.create with a text message, usage, cost and span exact', async () => {
      const before = await counters(target);
      const message = await clientFor(target, 'whole').messages.create({
        model: target.model,
        max_tokens: 256,
        system: SYSTEM,
        messages: QUESTION,
        metadata: { user_id: 'user-7' },
      });
      expect(message).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: target.model,
        content: [{ type: 'text', text: DEFAULT_REPLY_TEXT }],
        stop_reason: 'end_turn',
        usage: { input_tokens: PROMPT_TOKENS, output_tokens: REPLY_TOKENS },
      });
      expect(message.id).not.toBe('');
      await expectCounted(target, `${target.path}/whole/v1/messages`, before);
    });

    it('streams with messages.stream: text deltas as they come, the final message with its usage', async () => {
      const before = await counters(target);
      const stream = clientFor(target, 'stream').messages.stream({
        model: target.model,
        max_tokens: 256,
        system: SYSTEM,
        messages: QUESTION,
      });
      const events: string[] = [];
      let text = '';
      stream.on('streamEvent', (event) => events.push(event.type));
      stream.on('text', (delta) => (text += delta));
      const message = await stream.finalMessage();
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      expect(message).toMatchObject({
        content: [{ type: 'text', text: DEFAULT_REPLY_TEXT }],
        stop_reason: 'end_turn',
        usage: { input_tokens: PROMPT_TOKENS, output_tokens: REPLY_TOKENS },
      });
      const meaningful = events.filter((type) => type !== 'ping');
      expect(meaningful[0]).toBe('message_start');
      expect(meaningful.slice(-4)).toEqual([
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      await expectCounted(target, `${target.path}/stream/v1/messages`, before);
    });

    it('calls tools, whole and streamed (input_json_delta), with what the SDK sends', async () => {
      mocks[target.provider].setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
      const request: Anthropic.MessageCreateParamsNonStreaming = {
        model: target.model,
        max_tokens: 256,
        messages: QUESTION,
        tools: TOOLS,
        tool_choice: { type: 'auto', disable_parallel_tool_use: false },
      };
      const client = clientFor(target, 'tools');
      const expected = TOOL_CALLS.map((call) => ({
        type: 'tool_use',
        name: call.name,
        input: call.arguments,
      }));
      const whole = await client.messages.create(request);
      expect(whole.stop_reason).toBe('tool_use');
      expect(whole.content).toMatchObject(expected);

      const raw = await client.messages.create({ ...request, stream: true });
      const deltas: string[] = [];
      for await (const event of raw) {
        if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta')
          deltas.push(event.delta.partial_json);
      }
      expect(deltas.length).toBeGreaterThan(0);
      const streamed = await client.messages.stream(request).finalMessage();
      expect(streamed.stop_reason).toBe('tool_use');
      expect(streamed.content).toMatchObject(expected);
      const ids = streamed.content.map((block) => (block.type === 'tool_use' ? block.id : ''));
      expect(new Set(ids).size).toBe(2);

      // The tools' results go back as the SDK sends them, and the provider accepts the turn.
      mocks[target.provider].reset();
      const answer = await client.messages.create({
        ...request,
        messages: [
          ...QUESTION,
          { role: 'assistant', content: streamed.content },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: ids[0], content: '21 degrees' },
              { type: 'tool_result', tool_use_id: ids[1], content: [{ type: 'text', text: '14:00' }] },
            ],
          },
        ],
      });
      expect(answer.content).toEqual([{ type: 'text', text: DEFAULT_REPLY_TEXT }]);
    });

    it("answers the provider's errors in Anthropic's error shape with their status, which the SDK raises", async () => {
      mocks[target.provider].setBehaviour({ status: 429 });
      const client = clientFor(target, 'errors');
      const whole = await client.messages
        .create({ model: target.model, max_tokens: 16, messages: QUESTION })
        .catch((error: unknown) => error);
      expect(whole).toBeInstanceOf(Anthropic.RateLimitError);
      expect(whole).toMatchObject({
        status: 429,
        error: { type: 'error', error: { type: 'rate_limit_error' } },
      });
      const streamed = await client.messages
        .create({ model: target.model, max_tokens: 16, messages: QUESTION, stream: true })
        .catch((error: unknown) => error);
      expect(streamed).toBeInstanceOf(Anthropic.RateLimitError);
    });

    it("answers the gateway's own refusals in Anthropic's error shape", async () => {
      const client = clientFor(target, 'refusals');
      const wrongModel = await client.messages
        .create({ model: 'another-model', max_tokens: 16, messages: QUESTION })
        .catch((error: unknown) => error);
      expect(wrongModel).toBeInstanceOf(Anthropic.BadRequestError);
      expect(wrongModel).toMatchObject({
        error: {
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message: `cannot use own model - must be: ${target.model}`,
          },
        },
      });
      const models = await fetch(`${gateway.proxyUrl}${target.path}/v1/models`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: target.model, max_tokens: 16, messages: QUESTION }),
      });
      const large = await fetch(`${gateway.proxyUrl}${target.path}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ max_tokens: 16, messages: [{ role: 'user', content: 'x'.repeat(9000) }] }),
      });
      expect(large.status).toBe(413);
      expect(await large.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
      expect(models.status).toBe(404);
      expect(await models.json()).toEqual({
        type: 'error',
        error: {
          type: 'not_found_error',
          message: "llm_format 'anthropic' serves /v1/messages under the route only",
        },
      });
    });
  });

  it('passes the client body through to Anthropic with the configured model and auth, and its stream unchanged', async () => {
    const [target] = TARGETS;
    const client = clientFor(target, 'pass');
    await client.messages.create({
      model: target.model,
      max_tokens: 64,
      system: [{ type: 'text', text: SYSTEM }],
      messages: QUESTION,
      stop_sequences: ['END'],
    });
    const upstream = mocks.anthropic.lastRequest()!;
    expect(upstream.path).toBe('/v1/messages');
    expect(upstream.headers['x-api-key']).toBe(MOCK_PROVIDER_API_KEY);
    expect(upstream.headers['anthropic-version']).toBe('2023-06-01');
    expect(upstream.body).toEqual({
      model: target.model,
      max_tokens: 64,
      system: [{ type: 'text', text: SYSTEM }],
      messages: QUESTION,
      stop_sequences: ['END'],
      stream: false,
    });

    const response = await fetch(`${gateway.proxyUrl}${target.path}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ max_tokens: 64, messages: QUESTION, stream: true }),
    });
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // Anthropic's own events, named as it names them.
    expect(text).toMatch(/^event: message_start\ndata: \{"type":"message_start"/);
    expect(text).toContain('event: message_stop\ndata: {"type":"message_stop"}');
  });

  it('ends a stream that fails midway with Anthropic error events, for the pass-through and the pivot', async () => {
    // Anthropic's and Bedrock's own in-stream errors; OpenAI's connection broken off mid-stream.
    mocks.anthropic.setBehaviour({ streamErrorAfter: 2 });
    mocks.bedrock.setBehaviour({ streamErrorAfter: 2 });
    mocks.openai.setBehaviour({ failMidStreamAfter: 2 });
    for (const target of TARGETS) {
      const stream = clientFor(target, 'midway').messages.stream({
        model: target.model,
        max_tokens: 16,
        messages: QUESTION,
      });
      const failure = await stream.finalMessage().catch((error: unknown) => error);
      expect(failure, target.provider).toBeInstanceOf(Anthropic.APIError);
      expect(failure, target.provider).toMatchObject({
        error: { type: 'error', error: { type: expect.any(String) } },
      });

      const raw = await fetch(`${gateway.proxyUrl}${target.path}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ max_tokens: 16, messages: QUESTION, stream: true }),
      });
      const events = (await raw.text()).trim().split('\n\n');
      expect(events[0], target.provider).toMatch(/^event: message_start\n/);
      expect(events.at(-1), target.provider).toMatch(
        /^event: error\ndata: \{"type":"error","error":\{"type":"\w+","message":".+"\}\}$/,
      );
    }
  });
});
