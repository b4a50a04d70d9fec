import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { InProcessConfigBus } from '@switchyard/bus';
import { createPluginRuntimes } from '@switchyard/catalog';
import {
  ENTITY_DEFINITIONS,
  buildEntity,
  buildSnapshot,
  validatePluginConfig,
  type ConfigSnapshot,
  type Plugin,
  type Route,
  type Service,
} from '@switchyard/config';
import { ProxyNode } from '@switchyard/gateway';
import { TracingSettings, createLogger, startTracing, type Tracing } from '@switchyard/telemetry';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_PROVIDER_API_KEY,
  startMockProvider,
  waitUntil,
  type MockProviderId,
  type MockProviderServer,
} from '@switchyard/testing';

/**
 * GenAI tracing of proxied LLM calls, in one process: a `ProxyNode` running the real ai-proxy
 * plugin (all providers, from the catalog) in front of the OpenAI, Azure and Cohere mock
 * providers, with its config published on an in-process bus and its spans exported to an
 * `InMemorySpanExporter`. Each call must be one SERVER span under the caller's `traceparent` and
 * one CLIENT span for the upstream call carrying the GenAI semantic-convention attributes of what
 * was asked and what the provider answered; failures must mark the client span; each config swap
 * is a CONSUMER span.
 */

const QUESTION = 'What is 1+1?';
const MAX_TOKENS = 512;
const TEMPERATURE = 0.5;
/** The upstream read timeout of the faulty route: long enough for an answer, short enough for a test. */
const FAULTY_READ_TIMEOUT_MS = 300;

/** The mock's token counts are whitespace-separated words. */
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

function newTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type RouteType = 'llm/v1/chat' | 'llm/v1/completions';

/** The providers whose traces this spec checks (a new mock provider joins when it is added here). */
type TracedProvider = Extract<MockProviderId, 'openai' | 'azure' | 'cohere'>;

/** One ai-proxy route of the test config. */
interface LlmRouteSpec {
  readonly name: string;
  readonly provider: TracedProvider;
  readonly routeType: RouteType;
  readonly model: string;
  readonly upstreamUrl: string;
  readonly service: Service;
}

/** `gen_ai.operation.name` per route type. */
const OPERATIONS: Readonly<Record<RouteType, string>> = {
  'llm/v1/chat': 'chat',
  'llm/v1/completions': 'text_completion',
};

/** A route to a healthy mock, with the `gen_ai.provider.name` its provider must be traced as. */
interface AnsweringRoute extends Omit<LlmRouteSpec, 'upstreamUrl' | 'service'> {
  /** The provider's path, on its mock. */
  readonly upstreamPath: string;
  readonly semconv: string;
}

/** The routes to the healthy mocks: both operations, each provider. */
const ANSWERING_ROUTES: readonly AnsweringRoute[] = [
  {
    name: 'openai-chat',
    provider: 'openai',
    routeType: 'llm/v1/chat',
    model: 'gpt-4',
    upstreamPath: '/v1/chat/completions',
    semconv: 'openai',
  },
  {
    name: 'azure-chat',
    provider: 'azure',
    routeType: 'llm/v1/chat',
    model: 'gpt-35-turbo',
    upstreamPath: '/openai/deployments/kong-gpt-3-5/chat/completions',
    semconv: 'azure.ai.openai',
  },
  {
    name: 'cohere-chat',
    provider: 'cohere',
    routeType: 'llm/v1/chat',
    model: 'command-r',
    upstreamPath: '/v1/chat',
    semconv: 'cohere',
  },
  {
    name: 'openai-completions',
    provider: 'openai',
    routeType: 'llm/v1/completions',
    model: 'gpt-3.5-turbo-instruct',
    upstreamPath: '/v1/completions',
    semconv: 'openai',
  },
  {
    name: 'cohere-completions',
    provider: 'cohere',
    routeType: 'llm/v1/completions',
    model: 'command',
    upstreamPath: '/v1/generate',
    semconv: 'cohere',
  },
];

/** The provider's own credential header, as the mocks check it. */
function authFor(provider: TracedProvider): { header_name: string; header_value: string } {
  return provider === 'azure'
    ? { header_name: 'api-key', header_value: MOCK_PROVIDER_API_KEY }
    : { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` };
}

/** What the provider answered, as the client read it (a whole JSON answer or the chunks of a stream). */
interface ObservedAnswer {
  readonly id: string;
  readonly model: string;
  readonly text: string;
  readonly finishReasons: string[];
  readonly usage: { readonly prompt_tokens: number; readonly completion_tokens: number } | undefined;
}

/** The fields of an OpenAI-shaped answer or stream chunk that the assertions read. */
interface AnswerDocument {
  readonly id?: string;
  readonly model?: string;
  readonly choices?: readonly {
    readonly finish_reason?: string | null;
    readonly text?: string;
    readonly message?: { readonly content?: string | null };
    readonly delta?: { readonly content?: string | null };
  }[];
  readonly usage?: ObservedAnswer['usage'] | null;
}

function readAnswer(body: string, stream: boolean): ObservedAnswer {
  const documents: AnswerDocument[] = stream
    ? body
        .split('\n')
        .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
        .map((line) => JSON.parse(line.slice('data: '.length)) as AnswerDocument)
    : [JSON.parse(body) as AnswerDocument];
  let id = '';
  let model = '';
  let text = '';
  let usage: ObservedAnswer['usage'];
  const finishReasons: string[] = [];
  for (const document of documents) {
    // Azure opens its streams with a content-filter chunk whose id and model are empty.
    if (document.id) id = document.id;
    if (document.model) model = document.model;
    if (document.usage) usage = document.usage;
    for (const choice of document.choices ?? []) {
      text += choice.message?.content ?? choice.delta?.content ?? choice.text ?? '';
      if (choice.finish_reason) finishReasons.push(choice.finish_reason);
    }
  }
  return { id, model, text, finishReasons, usage };
}

function isServer(span: ReadableSpan): boolean {
  return span.kind === SpanKind.SERVER;
}

function isClient(span: ReadableSpan): boolean {
  return span.kind === SpanKind.CLIENT;
}

describe('GenAI spans of proxied LLM calls (in-process proxy node, in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  const plugins = createPluginRuntimes();
  const aiProxySchema = plugins.get('ai-proxy')!.schema;
  let tracing: Tracing;
  let bus: InProcessConfigBus<ConfigSnapshot>;
  let node: ProxyNode;
  let proxyUrl: string;
  let mocks: Record<TracedProvider, MockProviderServer>;
  /** An OpenAI mock switched into faults by the failure tests (reset after each test). */
  let faulty: MockProviderServer;
  let version = 0;
  let entities: { services: Service[]; routes: Route[]; plugins: Plugin[] };
  const routes = new Map<string, { route: Route; service: Service }>();

  function service(name: string, overrides: Record<string, unknown> = {}): Service {
    return buildEntity(
      ENTITY_DEFINITIONS.services,
      { name, host: 'localhost', port: 32000, ...overrides },
      { kind: 'create' },
    ) as Service;
  }

  /** A route and its ai-proxy plugin, the plugin's config completed with its schema's defaults. */
  function llmRoute(spec: LlmRouteSpec): { route: Route; plugin: Plugin } {
    const route = buildEntity(
      ENTITY_DEFINITIONS.routes,
      { name: spec.name, paths: [`/${spec.name}`], service: { id: spec.service.id } },
      { kind: 'create' },
    ) as Route;
    const config = validatePluginConfig(aiProxySchema, {
      route_type: spec.routeType,
      auth: authFor(spec.provider),
      logging: { log_statistics: true },
      model: {
        provider: spec.provider,
        name: spec.model,
        options: {
          max_tokens: MAX_TOKENS,
          temperature: TEMPERATURE,
          upstream_url: spec.upstreamUrl,
          ...(spec.provider === 'azure' && {
            azure_instance: 'my-openai-instance',
            azure_deployment_id: 'kong-gpt-3-5',
          }),
        },
      },
    });
    if (!config.ok) throw new Error(`invalid ai-proxy config: ${JSON.stringify(config.errors)}`);
    const plugin = buildEntity(
      ENTITY_DEFINITIONS.plugins,
      { name: 'ai-proxy', route: { id: route.id }, config: config.value },
      { kind: 'create' },
    ) as Plugin;
    routes.set(spec.name, { route, service: spec.service });
    return { route, plugin };
  }

  /** Publishes the test config as the next version (carrying `traceparent`) and waits until it is served. */
  async function publish(traceparent?: string): Promise<number> {
    version += 1;
    await bus.publisher.publish({ ...buildSnapshot({ version, consumers: [], ...entities }), traceparent });
    await waitUntil(`config version ${version} to be served`, () =>
      node.active.current?.version === version ? true : undefined,
    );
    return version;
  }

  function spansOfTrace(traceId: string): ReadableSpan[] {
    return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  }

  /**
   * The request's SERVER and CLIENT spans, once both are exported (they end in the log phase,
   * after the response); fails unless they are the only spans of the trace.
   */
  async function requestSpans(traceId: string): Promise<{ server: ReadableSpan; client: ReadableSpan }> {
    const spans = await waitUntil(`the server and client spans of trace ${traceId}`, () => {
      const found = spansOfTrace(traceId);
      return found.some(isServer) && found.some(isClient) ? found : undefined;
    });
    expect(spans.map((span) => span.kind).sort()).toEqual([SpanKind.SERVER, SpanKind.CLIENT].sort());
    const server = spans.find(isServer)!;
    const client = spans.find(isClient)!;
    expect(client.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    return { server, client };
  }

  /** POSTs `body` to a route, under a new caller trace; resolves with the answer and the call's spans. */
  async function call(routeName: string, body: object) {
    const caller = newTraceparent();
    const response = await fetch(`${proxyUrl}/${routeName}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: caller.traceparent },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const { server, client } = await requestSpans(caller.traceId);
    expect(server.spanContext().traceId).toBe(caller.traceId);
    expect(server.parentSpanContext?.spanId).toBe(caller.spanId);
    return { status: response.status, text, caller, server, client };
  }

  /** The attributes every server span of a routed request carries. */
  function routedServerAttributes(routeName: string, status: number) {
    const { route, service } = routes.get(routeName)!;
    return {
      'http.request.method': 'POST',
      'url.path': `/${routeName}`,
      'http.response.status_code': status,
      'switchyard.route.id': route.id,
      'switchyard.route.name': routeName,
      'switchyard.service.id': service.id,
      'switchyard.service.name': service.name,
    };
  }

  beforeAll(async () => {
    const [openai, azure, cohere, faultyMock] = await Promise.all([
      startMockProvider('openai'),
      startMockProvider('azure'),
      startMockProvider('cohere'),
      startMockProvider('openai'),
    ]);
    mocks = { openai, azure, cohere };
    faulty = faultyMock;
    tracing = await startTracing(new TracingSettings(), {
      serviceName: 'switchyard-proxy',
      serviceVersion: 'test',
      exporter,
    });

    const llm = service('llm');
    const slow = service('llm-slow', { read_timeout: FAULTY_READ_TIMEOUT_MS });
    const specs: LlmRouteSpec[] = [
      ...ANSWERING_ROUTES.map((answering) => ({
        ...answering,
        upstreamUrl: `${mocks[answering.provider].url}${answering.upstreamPath}`,
        service: llm,
      })),
      {
        name: 'faulty-chat',
        provider: 'openai',
        routeType: 'llm/v1/chat',
        model: 'gpt-4',
        upstreamUrl: `${faulty.url}/v1/chat/completions`,
        service: slow,
      },
      {
        name: 'unreachable-chat',
        provider: 'openai',
        routeType: 'llm/v1/chat',
        model: 'gpt-4',
        upstreamUrl: `http://127.0.0.1:${await closedPort()}/v1/chat/completions`,
        service: llm,
      },
    ];
    const built = specs.map(llmRoute);
    entities = {
      services: [llm, slow],
      routes: built.map(({ route }) => route),
      plugins: built.map(({ plugin }) => plugin),
    };

    bus = new InProcessConfigBus<ConfigSnapshot>();
    node = new ProxyNode({
      bus,
      plugins,
      listen: { host: '127.0.0.1', port: 0 },
      statusListen: { host: '127.0.0.1', port: 0 },
      node: { id: 'node-genai', hostname: 'test', version: 'test' },
      logger: createLogger({ name: 'genai-tracing', level: 'silent' }),
      maxBodyBytes: 1024 * 1024,
      maxResponseBodyBytes: 1024 * 1024,
      clientTimeouts: { headersMs: 10_000, requestMs: 60_000, keepAliveMs: 65_000 },
      tracer: tracing.tracer('@switchyard/gateway'),
    });
    await node.start();
    proxyUrl = `http://127.0.0.1:${node.proxyAddress.port}`;
    await publish();
  });

  afterAll(async () => {
    await node?.stop();
    await bus?.close();
    await tracing?.shutdown();
    await Promise.all([...Object.values(mocks ?? {}), faulty].map((mock) => mock?.close()));
  });

  afterEach(() => faulty.reset());

  describe.each(ANSWERING_ROUTES)('$name', ({ name: route, provider, routeType, model, semconv }) => {
    const operation = OPERATIONS[routeType];
    const body =
      routeType === 'llm/v1/chat'
        ? { messages: [{ role: 'user', content: QUESTION }] }
        : { prompt: QUESTION };

    it.each([false, true])(
      'stream=%s: a server span under the caller and a GenAI client span with what the provider answered',
      async (stream) => {
        const mock = mocks[provider];
        // A streaming client asks for the usage chunk, as the official clients do to count tokens.
        const streamOptions = stream ? { stream_options: { include_usage: true } } : {};
        const { status, text, caller, server, client } = await call(route, {
          ...body,
          stream,
          ...streamOptions,
        });
        expect(status, text).toBe(200);

        // What the mock answered: its deterministic reply, with its word counts as usage.
        const answer = readAnswer(text, stream);
        expect(answer.text).toBe(DEFAULT_REPLY_TEXT);
        expect(answer.id).not.toBe('');
        expect(answer.model).toBe(model);
        expect(answer.finishReasons).toEqual(['stop']);
        expect(answer.usage).toMatchObject({
          prompt_tokens: words(QUESTION),
          completion_tokens: words(DEFAULT_REPLY_TEXT),
        });

        expect(server.name).toBe(`POST ${route}`);
        expect(server.attributes).toMatchObject(routedServerAttributes(route, 200));
        expect(server.status.code).toBe(SpanStatusCode.UNSET);

        expect(client.name).toBe(`${operation} ${model}`);
        expect(client.status.code).toBe(SpanStatusCode.UNSET);
        expect(client.attributes).toMatchObject({
          'gen_ai.operation.name': operation,
          'gen_ai.provider.name': semconv,
          'gen_ai.request.model': model,
          'gen_ai.request.max_tokens': MAX_TOKENS,
          'gen_ai.request.temperature': TEMPERATURE,
          'gen_ai.request.stream': stream,
          'gen_ai.response.id': answer.id,
          'gen_ai.response.model': answer.model,
          'gen_ai.response.finish_reasons': answer.finishReasons,
          'gen_ai.usage.input_tokens': answer.usage!.prompt_tokens,
          'gen_ai.usage.output_tokens': answer.usage!.completion_tokens,
          'http.request.method': 'POST',
          'http.response.status_code': 200,
          'server.address': '127.0.0.1',
          'server.port': Number(new URL(mock.url).port),
        });
        expect(client.attributes['error.type']).toBeUndefined();
        const firstChunk = client.attributes['gen_ai.response.time_to_first_chunk'];
        if (stream) expect(firstChunk).toBeGreaterThan(0);
        else expect(firstChunk).toBeUndefined();

        // The provider was called in the client span's context, at the URL the span names.
        const upstream = mock.requests.find((request) =>
          request.headers.traceparent?.includes(caller.traceId),
        );
        expect(upstream?.headers.traceparent).toBe(`00-${caller.traceId}-${client.spanContext().spanId}-01`);
        expect(client.attributes['url.full']).toBe(`${mock.url}${upstream!.path.split('?')[0]}`);
      },
    );
  });

  describe('failed upstream calls mark the client span with error.type and status ERROR', () => {
    const chat = { messages: [{ role: 'user', content: QUESTION }] };

    it('the provider answers 500: error.type is the status, on both spans', async () => {
      faulty.setBehaviour({ status: 500 });
      const { status, server, client } = await call('faulty-chat', chat);
      expect(status).toBe(500);
      expect(client.status.code).toBe(SpanStatusCode.ERROR);
      expect(client.attributes).toMatchObject({ 'error.type': '500', 'http.response.status_code': 500 });
      expect(server.status.code).toBe(SpanStatusCode.ERROR);
      expect(server.attributes).toMatchObject({
        ...routedServerAttributes('faulty-chat', 500),
        'error.type': '500',
      });
    });

    it('the provider cannot be reached: error.type is the connect error code, the client gets 502', async () => {
      const { status, server, client } = await call('unreachable-chat', chat);
      expect(status).toBe(502);
      expect(client.status.code).toBe(SpanStatusCode.ERROR);
      expect(client.attributes['error.type']).toBe('ECONNREFUSED');
      expect(client.attributes['http.response.status_code']).toBeUndefined();
      expect(server.attributes).toMatchObject({
        ...routedServerAttributes('unreachable-chat', 502),
        'error.type': '502',
      });
    });

    it('the provider does not answer within the read timeout: error.type is timeout, the client gets 504', async () => {
      faulty.setBehaviour({ hang: true });
      const { status, server, client } = await call('faulty-chat', chat);
      expect(status).toBe(504);
      expect(client.status.code).toBe(SpanStatusCode.ERROR);
      expect(client.attributes['error.type']).toBe('timeout');
      expect(server.attributes).toMatchObject({
        ...routedServerAttributes('faulty-chat', 504),
        'error.type': '504',
      });
    });

    it('the stream breaks off midway: error.type is the socket error', async () => {
      faulty.setBehaviour({ failMidStreamAfter: 3 });
      const { status, client } = await call('faulty-chat', { ...chat, stream: true });
      expect(status).toBe(200);
      expect(client.status.code).toBe(SpanStatusCode.ERROR);
      expect(client.attributes).toMatchObject({
        'gen_ai.request.stream': true,
        'http.response.status_code': 200,
        // undici's name for a connection closed before the body ended.
        'error.type': 'UND_ERR_SOCKET',
      });
    });
  });

  it('a request without traceparent starts a new trace', async () => {
    const response = await fetch(`${proxyUrl}/openai-chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: QUESTION }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    // The provider got the new trace's context: its trace id finds the spans.
    const traceparent = String(mocks.openai.lastRequest()!.headers.traceparent);
    const [, traceId, clientSpanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent) ?? [];
    expect(traceId, traceparent).toBeDefined();
    const { server, client } = await requestSpans(traceId!);
    expect(server.parentSpanContext).toBeUndefined();
    expect(client.spanContext().spanId).toBe(clientSpanId);
    expect(server.attributes).toMatchObject(routedServerAttributes('openai-chat', 200));
  });

  it('a config swap is a CONSUMER span continuing the trace the snapshot carries', async () => {
    const publisher = newTraceparent();
    const swapped = await publish(publisher.traceparent);
    const spans = await waitUntil('the config swap span', () => {
      const found = spansOfTrace(publisher.traceId);
      return found.length > 0 ? found : undefined;
    });
    expect(spans).toHaveLength(1);
    const swap = spans[0]!;
    expect(swap.name).toBe('process config-snapshot');
    expect(swap.kind).toBe(SpanKind.CONSUMER);
    expect(swap.parentSpanContext?.spanId).toBe(publisher.spanId);
    expect(swap.status.code).toBe(SpanStatusCode.UNSET);
    expect(swap.attributes).toMatchObject({
      'switchyard.config.version': swapped,
      'switchyard.config.hash': node.active.current!.hash,
      'switchyard.config.outcome': 'swapped',
      'switchyard.node.id': 'node-genai',
    });
  });
});
