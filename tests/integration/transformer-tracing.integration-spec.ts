import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToNanoseconds } from '@opentelemetry/core';
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
  type MockProviderServer,
} from '@switchyard/testing';

/**
 * The spans of a transformer plugin's own LLM call, in one process: a `ProxyNode` running the
 * catalog's plugins, its config on an in-process bus, its spans in an `InMemorySpanExporter`. The
 * call must be a CLIENT span of its own under the request's SERVER span, described with the GenAI
 * conventions like ai-proxy's upstream call, its context sent to the model; a failed call marks it.
 */

const TRANSFORMER_MODEL = 'gpt-4o-mini';
const PROXIED_MODEL = 'gpt-4';
const REWRITTEN = { messages: [{ role: 'user', content: 'Bonjour' }] };
const TIMEOUT_MS = 300;

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

function newTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

describe("spans of the transformers' own LLM calls (in-process proxy node, in-memory exporter)", () => {
  const exporter = new InMemorySpanExporter();
  const plugins = createPluginRuntimes();
  let tracing: Tracing;
  let bus: InProcessConfigBus<ConfigSnapshot>;
  let node: ProxyNode;
  let proxyUrl: string;
  /** The transformer's model. */
  let transformLlm: MockProviderServer;
  /** ai-proxy's model. */
  let proxiedLlm: MockProviderServer;

  function plugin(name: string, route: Route, config: Record<string, unknown>): Plugin {
    const validated = validatePluginConfig(plugins.get(name)!.schema, config);
    if (!validated.ok) throw new Error(`invalid ${name} config: ${JSON.stringify(validated.errors)}`);
    return buildEntity(
      ENTITY_DEFINITIONS.plugins,
      { name, route: { id: route.id }, config: validated.value },
      { kind: 'create' },
    ) as Plugin;
  }

  const openAiLlm = (mock: MockProviderServer, model: string) => ({
    route_type: 'llm/v1/chat',
    auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
    model: { provider: 'openai', name: model, options: { upstream_url: `${mock.url}/v1/chat/completions` } },
  });

  beforeAll(async () => {
    [transformLlm, proxiedLlm] = await Promise.all([
      startMockProvider('openai'),
      startMockProvider('openai'),
    ]);
    tracing = await startTracing(new TracingSettings(), {
      serviceName: 'switchyard-proxy',
      serviceVersion: 'test',
      exporter,
    });
    const service = buildEntity(
      ENTITY_DEFINITIONS.services,
      { name: 'llm', host: 'localhost', port: 32000 },
      { kind: 'create' },
    ) as Service;
    const route = (name: string) =>
      buildEntity(
        ENTITY_DEFINITIONS.routes,
        { name, paths: [`/${name}`], service: { id: service.id } },
        { kind: 'create' },
      ) as Route;
    const rewritten = route('rewritten');
    const slow = route('slow');
    const transformer = (http_timeout: number) => ({
      prompt: 'Translate the chat request into French.',
      http_timeout,
      llm: openAiLlm(transformLlm, TRANSFORMER_MODEL),
    });
    const entities = {
      services: [service],
      routes: [rewritten, slow],
      plugins: [
        plugin('ai-request-transformer', rewritten, transformer(5_000)),
        plugin('ai-proxy', rewritten, openAiLlm(proxiedLlm, PROXIED_MODEL)),
        plugin('ai-request-transformer', slow, transformer(TIMEOUT_MS)),
        plugin('ai-proxy', slow, openAiLlm(proxiedLlm, PROXIED_MODEL)),
      ],
    };
    bus = new InProcessConfigBus<ConfigSnapshot>();
    node = new ProxyNode({
      bus,
      plugins,
      listen: { host: '127.0.0.1', port: 0 },
      statusListen: { host: '127.0.0.1', port: 0 },
      node: { id: 'node-transformer-tracing', hostname: 'test', version: 'test' },
      logger: createLogger({ name: 'transformer-tracing', level: 'silent' }),
      maxBodyBytes: 1024 * 1024,
      maxResponseBodyBytes: 1024 * 1024,
      clientTimeouts: { headersMs: 10_000, requestMs: 60_000, keepAliveMs: 65_000 },
      tracer: tracing.tracer('@switchyard/gateway'),
    });
    await node.start();
    proxyUrl = `http://127.0.0.1:${node.proxyAddress.port}`;
    await bus.publisher.publish(buildSnapshot({ version: 1, consumers: [], ...entities }));
    await waitUntil('config version 1 to be served', () =>
      node.active.current?.version === 1 ? true : undefined,
    );
  });

  afterAll(async () => {
    await node?.stop();
    await bus?.close();
    await tracing?.shutdown();
    await Promise.all([transformLlm?.close(), proxiedLlm?.close()]);
  });

  beforeEach(() => {
    transformLlm.reset();
    proxiedLlm.reset();
    transformLlm.setBehaviour({ replyText: JSON.stringify(REWRITTEN) });
  });

  /** POSTs a chat request under a new caller trace; resolves with the answer and the trace's `count` spans. */
  async function call(routeName: string, count: number) {
    const caller = newTraceparent();
    const response = await fetch(`${proxyUrl}/${routeName}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: caller.traceparent },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }] }),
    });
    const text = await response.text();
    const spans = await waitUntil(`${count} spans of trace ${caller.traceId}`, () => {
      const found = exporter
        .getFinishedSpans()
        .filter((span) => span.spanContext().traceId === caller.traceId);
      return found.length >= count && found.some((span) => span.kind === SpanKind.SERVER) ? found : undefined;
    });
    expect(spans).toHaveLength(count);
    const server = spans.find((span) => span.kind === SpanKind.SERVER)!;
    const clients = spans.filter((span) => span.kind === SpanKind.CLIENT);
    return { status: response.status, text, server, clients };
  }

  const byName = (spans: readonly ReadableSpan[], name: string) => spans.find((span) => span.name === name)!;

  it("traces the transformer's model call as a GenAI client span under the server span, beside ai-proxy's upstream call", async () => {
    const { status, text, server, clients } = await call('rewritten', 3);
    expect(status, text).toBe(200);

    const transformerCall = byName(clients, `chat ${TRANSFORMER_MODEL}`);
    const upstreamCall = byName(clients, `chat ${PROXIED_MODEL}`);
    expect(transformerCall.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(upstreamCall.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(transformerCall.attributes).toMatchObject({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'url.full': `${transformLlm.url}/v1/chat/completions`,
      'http.response.status_code': 200,
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': TRANSFORMER_MODEL,
      'gen_ai.response.model': TRANSFORMER_MODEL,
      'gen_ai.usage.output_tokens': words(JSON.stringify(REWRITTEN)),
    });
    expect(transformerCall.status.code).not.toBe(SpanStatusCode.ERROR);
    // The transformer's call happened first, and its span's context went to its model.
    // Start times are [seconds, nanoseconds] pairs: compared as numbers, not as arrays.
    expect(hrTimeToNanoseconds(transformerCall.startTime)).toBeLessThanOrEqual(
      hrTimeToNanoseconds(upstreamCall.startTime),
    );
    const sent = String(transformLlm.lastRequest()!.headers.traceparent);
    expect(sent).toBe(`00-${server.spanContext().traceId}-${transformerCall.spanContext().spanId}-01`);
    // ai-proxy's model got the rewritten chat, and answered.
    expect(proxiedLlm.lastRequest()!.body).toMatchObject({ messages: REWRITTEN.messages });
    expect(JSON.parse(text).choices[0].message.content).toBe(DEFAULT_REPLY_TEXT);
  });

  it("marks the transformer's span failed, how, and the request's 400, when its model times out", async () => {
    transformLlm.setBehaviour({ hang: true });
    const { status, server, clients } = await call('slow', 2);

    expect(status).toBe(400);
    expect(clients).toHaveLength(1);
    const [transformerCall] = clients as [ReadableSpan];
    expect(transformerCall.name).toBe(`chat ${TRANSFORMER_MODEL}`);
    expect(transformerCall.attributes['error.type']).toBe('timeout');
    expect(transformerCall.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.attributes['http.response.status_code']).toBe(400);
    expect(proxiedLlm.requests).toHaveLength(0);
  });
});
