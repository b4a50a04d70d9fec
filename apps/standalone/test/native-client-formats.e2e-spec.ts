import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { GoogleGenAI } from '@google/genai';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CohereClient } from 'cohere-ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_AWS_CREDENTIALS,
  MOCK_PROVIDER_API_KEY,
  aiMetricsOf,
  aiProxyLogsOf,
  waitUntilServed,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';
import {
  addMeteredRoute,
  startTracedGateway,
  type TracedGateway,
  upstreamSpanWith,
} from './client-format.e2e-helpers.js';

const SYSTEM = 'You are a mathematician.';
const QUESTION = 'What is 1 + 1?';
// "You are a mathematician." + "What is 1 + 1?": 4 + 5 words; the mocks' default reply is 8 words.
const PROMPT_TOKENS = 9;
const REPLY_TOKENS = 8;
// Per million tokens, as configured on every route.
const INPUT_COST = 3;
const OUTPUT_COST = 15;
const COST = (PROMPT_TOKENS * INPUT_COST + REPLY_TOKENS * OUTPUT_COST) / 1e6;
const CONFIGURED_MAX_TOKENS = 300;

type Provider = 'gemini' | 'bedrock' | 'cohere';

/** One native format's route, served by its own provider. */
interface NativeRoute {
  readonly provider: Provider;
  readonly telemetryName: string;
  readonly model: string;
  /** The route's path prefix: the SDK's base URL. */
  readonly path: string;
  readonly plugin: (mock: MockProviderServer) => string[];
}

const ROUTES: Readonly<Record<Provider, NativeRoute>> = {
  gemini: {
    provider: 'gemini',
    telemetryName: 'gcp.gemini',
    model: 'gemini-2.0-flash',
    path: '/gemini-native',
    plugin: (mock) => [
      'config.auth.header_name=x-goog-api-key',
      `config.auth.header_value=${MOCK_PROVIDER_API_KEY}`,
      // One URL for both operations: the native client's operation replaces the configured one.
      `config.model.options.upstream_url=${mock.url}/v1beta/models/gemini-2.0-flash:generateContent`,
    ],
  },
  bedrock: {
    provider: 'bedrock',
    telemetryName: 'aws.bedrock',
    model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    path: '/bedrock-native',
    // The endpoint comes from AWS_ENDPOINT_URL_BEDROCK_RUNTIME; the gateway signs with these.
    plugin: () => [
      `config.auth.aws_access_key_id=${MOCK_AWS_CREDENTIALS.accessKeyId}`,
      `config.auth.aws_secret_access_key=${MOCK_AWS_CREDENTIALS.secretAccessKey}`,
      'config.model.options.bedrock.aws_region=us-east-1',
    ],
  },
  cohere: {
    provider: 'cohere',
    telemetryName: 'cohere',
    model: 'command-r-plus',
    path: '/cohere-native',
    plugin: (mock) => [
      'config.auth.header_name=Authorization',
      `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
      `config.model.options.upstream_url=${mock.url}/v1/chat`,
    ],
  },
};

describe('native clients (Gemini, Bedrock, Cohere SDKs) served by their own provider through the standalone gateway', () => {
  let traced: TracedGateway<Provider>;
  let gateway: StandaloneGateway;
  let mocks: TracedGateway<Provider>['mocks'];
  /** Requests counted so far per provider, for the exact /metrics readings. */
  const served: Record<Provider, number> = { gemini: 0, bedrock: 0, cohere: 0 };

  beforeAll(async () => {
    traced = await startTracedGateway(['gemini', 'bedrock', 'cohere'] as const);
    ({ gateway, mocks } = traced);
    // `preserve` routes: the SDKs' own paths go to the provider as they are.
    const preserved: [Provider, string, string[]][] = [
      ['gemini', '/v1beta/models', [`config.model.options.upstream_url=${mocks.gemini.url}`]],
      ['bedrock', '/model', ROUTES.bedrock.plugin(mocks.bedrock)],
      ['cohere', '/v1/chat', [`config.model.options.upstream_url=${mocks.cohere.url}`]],
    ];
    for (const [provider, path, options] of preserved) {
      const auth = ROUTES[provider].plugin(mocks[provider]).filter((pair) => pair.startsWith('config.auth.'));
      await addMeteredRoute(gateway, {
        name: `preserve-${provider}`,
        path,
        provider,
        model: ROUTES[provider].model,
        cost: { input: INPUT_COST, output: OUTPUT_COST },
        config: ['config.route_type=preserve', ...new Set([...auth, ...options])],
      });
    }
    for (const route of Object.values(ROUTES)) {
      await addMeteredRoute(gateway, {
        name: route.path.slice(1),
        provider: route.provider,
        model: route.model,
        cost: { input: INPUT_COST, output: OUTPUT_COST },
        config: [
          'config.route_type=llm/v1/chat',
          `config.llm_format=${route.provider}`,
          'config.auth.allow_override=false',
          `config.model.options.max_tokens=${CONFIGURED_MAX_TOKENS}`,
          ...route.plugin(mocks[route.provider]),
        ],
      });
    }
    // The last route written: the snapshot that serves it serves them all (at Cohere's chat path:
    // anywhere else under the route is the client API's own 404).
    await waitUntilServed(gateway.proxyUrl, `${ROUTES.cohere.path}/v1/chat`);
  }, 60_000);

  beforeEach(() => {
    for (const mock of Object.values(mocks)) mock.reset();
  });

  afterAll(() => traced?.stop());

  /** Usage, cost, analytics, /metrics and the span of one answer of the default reply, counted exactly once. */
  async function expectCounted(route: NativeRoute, path: string, stream: boolean | 'no span') {
    served[route.provider] += 1;
    const [analytics] = await aiProxyLogsOf(gateway, path, 1);
    expect(analytics!.meta).toMatchObject({ provider_name: route.provider, request_model: route.model });
    expect(analytics!.usage).toMatchObject({
      prompt_tokens: PROMPT_TOKENS,
      completion_tokens: REPLY_TOKENS,
      total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
      cost: COST,
    });
    const metrics = await aiMetricsOf(gateway, route.provider, route.model, served[route.provider]);
    expect(metrics).toMatchObject({
      prompt_tokens: PROMPT_TOKENS * served[route.provider],
      completion_tokens: REPLY_TOKENS * served[route.provider],
    });
    expect(metrics.cost).toBeCloseTo(COST * served[route.provider], 12);
    if (stream === 'no span') return;
    const span = await upstreamSpanWith(traced.sink, {
      'gen_ai.provider.name': route.telemetryName,
      'gen_ai.request.model': route.model,
      'gen_ai.request.stream': stream,
    });
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': PROMPT_TOKENS,
      'gen_ai.usage.output_tokens': REPLY_TOKENS,
    });
  }

  describe('@google/genai to Gemini (llm_format=gemini)', () => {
    const route = ROUTES.gemini;
    const clientAt = (suffix: string) =>
      new GoogleGenAI({
        apiKey: 'client-key',
        httpOptions: { baseUrl: `${gateway.proxyUrl}${route.path}/${suffix}` },
      });

    it('answers generateContent with Gemini’s own answer, the configured options and key applied', async () => {
      const answer = await clientAt('whole').models.generateContent({
        model: route.model,
        contents: QUESTION,
        config: { systemInstruction: SYSTEM, temperature: 0.5 },
      });
      expect(answer.text).toBe(DEFAULT_REPLY_TEXT);
      expect(answer.usageMetadata).toMatchObject({
        promptTokenCount: PROMPT_TOKENS,
        candidatesTokenCount: REPLY_TOKENS,
      });
      const upstream = mocks.gemini.lastRequest()!;
      expect(upstream.path).toBe(`/v1beta/models/${route.model}:generateContent`);
      expect(upstream.headers['x-goog-api-key']).toBe(MOCK_PROVIDER_API_KEY);
      expect(upstream.body).toMatchObject({
        systemInstruction: { parts: [{ text: SYSTEM }] },
        contents: [{ role: 'user', parts: [{ text: QUESTION }] }],
        generationConfig: { temperature: 0.5, maxOutputTokens: CONFIGURED_MAX_TOKENS },
      });
      // @google/genai 3 calls the v1 API.
      await expectCounted(route, `${route.path}/whole/v1/models/${route.model}:generateContent`, false);
    });

    it('streams generateContentStream as Gemini’s SSE chunks, usage read from them', async () => {
      const chunks = await clientAt('stream').models.generateContentStream({
        model: route.model,
        contents: QUESTION,
        config: { systemInstruction: SYSTEM },
      });
      let text = '';
      let usage: unknown;
      for await (const chunk of chunks) {
        text += chunk.text ?? '';
        usage = chunk.usageMetadata ?? usage;
      }
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      expect(usage).toMatchObject({ promptTokenCount: PROMPT_TOKENS, candidatesTokenCount: REPLY_TOKENS });
      const upstream = mocks.gemini.lastRequest()!;
      // The client's SSE framing is asked of Gemini too.
      expect(upstream.path).toBe(`/v1beta/models/${route.model}:streamGenerateContent?alt=sse`);
      await expectCounted(route, `${route.path}/stream/v1/models/${route.model}:streamGenerateContent`, true);
    });

    it('relays streamGenerateContent without alt=sse as Gemini’s JSON array', async () => {
      const path = `${route.path}/array/v1beta/models/${route.model}:streamGenerateContent`;
      const response = await fetch(`${gateway.proxyUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: `${SYSTEM} ${QUESTION}` }] }] }),
      });
      expect(response.status).toBe(200);
      const chunks = JSON.parse(await response.text()) as {
        candidates?: { content?: { parts?: { text?: string }[] } }[];
      }[];
      expect(chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '').join('')).toBe(
        DEFAULT_REPLY_TEXT,
      );
      await expectCounted(route, path, true);
    });

    it('refuses another model than the configured one in Google’s error shape', async () => {
      await expect(
        clientAt('other').models.generateContent({ model: 'gemini-1.5-pro', contents: QUESTION }),
      ).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('cannot use own model') as string,
      });
      expect(mocks.gemini.lastRequest()).toBeUndefined();
    });
  });

  describe('@aws-sdk/client-bedrock-runtime to Bedrock (llm_format=bedrock)', () => {
    const route = ROUTES.bedrock;
    const clientAt = (suffix: string) =>
      new BedrockRuntimeClient({
        region: 'eu-west-3',
        endpoint: `${gateway.proxyUrl}${route.path}/${suffix}`,
        // The client's own keys: the gateway drops its signature and signs with the route's.
        credentials: { accessKeyId: 'AKIACLIENTONLY', secretAccessKey: 'client-secret' },
        maxAttempts: 1,
        // The runtime client's default handler speaks HTTP/2 (for bidirectional streams); the gateway speaks HTTP/1.1.
        requestHandler: new NodeHttpHandler(),
      });
    const messages: Message[] = [{ role: 'user', content: [{ text: QUESTION }] }];

    it('answers ConverseCommand with Bedrock’s own answer, re-signed with the gateway’s credentials', async () => {
      const answer = await clientAt('whole').send(
        new ConverseCommand({
          modelId: route.model,
          system: [{ text: SYSTEM }],
          messages,
          inferenceConfig: { temperature: 0.2 },
        }),
      );
      expect(answer.output?.message?.content?.[0]?.text).toBe(DEFAULT_REPLY_TEXT);
      expect(answer.stopReason).toBe('end_turn');
      expect(answer.usage).toMatchObject({ inputTokens: PROMPT_TOKENS, outputTokens: REPLY_TOKENS });
      const upstream = mocks.bedrock.lastRequest()!;
      expect(upstream.path).toBe(`/model/${encodeURIComponent(route.model)}/converse`);
      // The mock has checked the signature: made with the gateway's key, for the configured region.
      expect(upstream.headers.authorization).toContain(`Credential=${MOCK_AWS_CREDENTIALS.accessKeyId}/`);
      expect(upstream.headers.authorization).toContain('/us-east-1/bedrock/aws4_request');
      expect(upstream.body).toMatchObject({
        inferenceConfig: { temperature: 0.2, maxTokens: CONFIGURED_MAX_TOKENS },
      });
      await expectCounted(
        route,
        `${route.path}/whole/model/${encodeURIComponent(route.model)}/converse`,
        false,
      );
    });

    it('streams ConverseStreamCommand as Bedrock’s event-stream messages, usage read from its metadata', async () => {
      const answer = await clientAt('stream').send(
        new ConverseStreamCommand({ modelId: route.model, system: [{ text: SYSTEM }], messages }),
      );
      let text = '';
      let usage: unknown;
      let stopReason: string | undefined;
      for await (const event of answer.stream!) {
        text += event.contentBlockDelta?.delta?.text ?? '';
        stopReason = event.messageStop?.stopReason ?? stopReason;
        usage = event.metadata?.usage ?? usage;
      }
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      expect(stopReason).toBe('end_turn');
      expect(usage).toMatchObject({ inputTokens: PROMPT_TOKENS, outputTokens: REPLY_TOKENS });
      expect(mocks.bedrock.lastRequest()!.path).toBe(
        `/model/${encodeURIComponent(route.model)}/converse-stream`,
      );
      await expectCounted(
        route,
        `${route.path}/stream/model/${encodeURIComponent(route.model)}/converse-stream`,
        true,
      );
    });

    it('refuses a conversation without messages with a ValidationException, before Bedrock is called', async () => {
      await expect(
        clientAt('empty').send(new ConverseCommand({ modelId: route.model, messages: [] })),
      ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      expect(mocks.bedrock.lastRequest()).toBeUndefined();
    });
  });

  describe('cohere-ai to Cohere (llm_format=cohere)', () => {
    const route = ROUTES.cohere;
    const clientAt = (suffix: string) =>
      new CohereClient({ token: 'client-key', environment: `${gateway.proxyUrl}${route.path}/${suffix}` });

    it('answers chat with Cohere’s own answer, the configured model and options applied', async () => {
      const answer = await clientAt('whole').chat({ message: QUESTION, preamble: SYSTEM, temperature: 0.3 });
      expect(answer.text).toBe(DEFAULT_REPLY_TEXT);
      expect(answer.meta?.billedUnits).toMatchObject({
        inputTokens: PROMPT_TOKENS,
        outputTokens: REPLY_TOKENS,
      });
      const upstream = mocks.cohere.lastRequest()!;
      expect(upstream.headers.authorization).toBe(`Bearer ${MOCK_PROVIDER_API_KEY}`);
      expect(upstream.body).toMatchObject({
        model: route.model,
        message: QUESTION,
        preamble: SYSTEM,
        temperature: 0.3,
        max_tokens: CONFIGURED_MAX_TOKENS,
      });
      await expectCounted(route, `${route.path}/whole/v1/chat`, false);
    });

    it('streams chatStream as Cohere’s events, usage read from stream-end', async () => {
      const events = await clientAt('stream').chatStream({ message: QUESTION, preamble: SYSTEM });
      let text = '';
      let finish: string | undefined;
      for await (const event of events) {
        if (event.eventType === 'text-generation') text += event.text;
        if (event.eventType === 'stream-end') finish = event.finishReason;
      }
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      expect(finish).toBe('COMPLETE');
      await expectCounted(route, `${route.path}/stream/v1/chat`, true);
    });
  });

  describe("preserve routes read usage from each provider's native answer and stream", () => {
    it('counts a Gemini stream (SSE) and a whole answer exactly', async () => {
      const gemini = new GoogleGenAI({
        apiKey: 'client-key',
        httpOptions: { baseUrl: gateway.proxyUrl, apiVersion: 'v1beta' },
      });
      const model = ROUTES.gemini.model;
      const chunks = await gemini.models.generateContentStream({
        model,
        contents: QUESTION,
        config: { systemInstruction: SYSTEM },
      });
      let text = '';
      for await (const chunk of chunks) text += chunk.text ?? '';
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      await expectCounted(ROUTES.gemini, `/v1beta/models/${model}:streamGenerateContent`, 'no span');
      const whole = await gemini.models.generateContent({
        model,
        contents: QUESTION,
        config: { systemInstruction: SYSTEM },
      });
      expect(whole.text).toBe(DEFAULT_REPLY_TEXT);
      await expectCounted(ROUTES.gemini, `/v1beta/models/${model}:generateContent`, 'no span');
    });

    it('counts a Bedrock event stream exactly', async () => {
      const bedrock = new BedrockRuntimeClient({
        region: 'us-east-1',
        endpoint: gateway.proxyUrl,
        credentials: { accessKeyId: 'AKIACLIENTONLY', secretAccessKey: 'client-secret' },
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler(),
      });
      const answer = await bedrock.send(
        new ConverseStreamCommand({
          modelId: ROUTES.bedrock.model,
          system: [{ text: SYSTEM }],
          messages: [{ role: 'user', content: [{ text: QUESTION }] }],
        }),
      );
      let text = '';
      for await (const event of answer.stream!) text += event.contentBlockDelta?.delta?.text ?? '';
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      await expectCounted(
        ROUTES.bedrock,
        `/model/${encodeURIComponent(ROUTES.bedrock.model)}/converse-stream`,
        'no span',
      );
    });

    it('counts a Cohere NDJSON stream exactly', async () => {
      const cohere = new CohereClient({ token: 'client-key', environment: gateway.proxyUrl });
      let text = '';
      for await (const event of await cohere.chatStream({
        model: ROUTES.cohere.model,
        message: QUESTION,
        preamble: SYSTEM,
      }))
        if (event.eventType === 'text-generation') text += event.text;
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      await expectCounted(ROUTES.cohere, '/v1/chat', 'no span');
    });
  });

  it('refuses a native format on another provider at the Admin API, listing what works', async () => {
    await gateway.admin.json('POST', '/services/llm/routes', { name: 'mismatch', paths: ['/mismatch'] });
    const answer = await gateway.admin.json('POST', '/routes/mismatch/plugins', {
      name: 'ai-proxy',
      config: {
        route_type: 'llm/v1/chat',
        llm_format: 'cohere',
        auth: { header_name: 'Authorization', header_value: 'Bearer k' },
        model: { provider: 'openai', name: 'gpt-4o-mini' },
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("llm_format 'cohere' cannot be served by openai://llm/v1/chat");
    expect(answer.text).toContain("'cohere' on llm/v1/chat for cohere");
  });
});
