import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OtlpSink,
  SwitchyardCluster,
  addOpenAiChatRoute,
  curlData,
  createTestDatabase,
  startMockProvider,
  uniqueTestName,
  waitUntil,
  type MockProviderServer,
  type ReceivedSpan,
  type TestDatabase,
} from '@switchyard/testing';

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

function newTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

/**
 * Tracing across the distributed topology, exported over OTLP/HTTP (JSON) to a stand-in
 * collector: a config change is one trace from the Admin API write to every proxy's swap, and a
 * proxied LLM call is a server span and a GenAI client span under the caller's `traceparent`.
 */
describe('OpenTelemetry traces across admin, config-sync and two proxies', () => {
  let database: TestDatabase;
  let cluster: SwitchyardCluster;
  let sink: OtlpSink;
  let openai: MockProviderServer;

  beforeAll(async () => {
    sink = await OtlpSink.start();
    openai = await startMockProvider('openai');
    database = await createTestDatabase('tracing');
    cluster = await SwitchyardCluster.start({
      databaseUrl: database.url,
      redisPrefix: uniqueTestName('tracing'),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await database?.drop();
    await openai?.close();
    await sink?.close();
  });

  async function spansOf(
    traceId: string,
    until: (spans: ReceivedSpan[]) => boolean,
  ): Promise<ReceivedSpan[]> {
    return waitUntil(`the spans of trace ${traceId}`, () => {
      const spans = sink.trace(traceId);
      return until(spans) ? spans : undefined;
    });
  }

  it('follows a config change from the admin write to each proxy swap in one trace', async () => {
    const caller = newTraceparent();
    const response = await fetch(`${cluster.admin.baseUrl}/services`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', traceparent: caller.traceparent },
      body: new URLSearchParams(curlData('name=traced', 'url=http://localhost:32000')).toString(),
    });
    expect(response.status).toBe(201);

    const swapsOf = (spans: ReceivedSpan[]) =>
      spans.filter((span) => span.name === 'process config-snapshot');
    // Each process exports its spans in its own batches: wait for every one of them.
    const spans = await spansOf(
      caller.traceId,
      (found) =>
        swapsOf(found).length === cluster.proxies.length &&
        found.some((span) => span.name === 'publish config-snapshot') &&
        found.some((span) => span.serviceName === 'switchyard-admin' && span.kind === SERVER),
    );

    const adminSpan = spans.find((span) => span.serviceName === 'switchyard-admin' && span.kind === SERVER)!;
    expect(adminSpan).toMatchObject({
      name: 'POST /services',
      parentSpanId: caller.spanId,
      attributes: expect.objectContaining({ 'http.route': '/services', 'http.response.status_code': 201 }),
    });
    const write = spans.find((span) => span.name === 'INSERT services')!;
    expect(write).toMatchObject({ kind: CLIENT, parentSpanId: adminSpan.spanId });
    const version = write.attributes['switchyard.config.version'];
    expect(version).toEqual(expect.any(Number));

    const publish = spans.find((span) => span.name === 'publish config-snapshot')!;
    expect(publish).toMatchObject({
      serviceName: 'switchyard-config-sync',
      kind: PRODUCER,
      parentSpanId: write.spanId,
      attributes: expect.objectContaining({
        'switchyard.config.version': version,
        'switchyard.config.outcome': 'published',
      }),
    });

    const swaps = swapsOf(spans);
    expect(new Set(swaps.map((swap) => swap.attributes['switchyard.node.id']))).toEqual(
      new Set(cluster.proxies.map((proxy) => proxy.nodeId)),
    );
    for (const swap of swaps) {
      expect(swap).toMatchObject({
        serviceName: 'switchyard-proxy',
        kind: CONSUMER,
        parentSpanId: publish.spanId,
        attributes: expect.objectContaining({
          'switchyard.config.version': version,
          'switchyard.config.outcome': 'swapped',
        }),
      });
    }
  });

  it('traces a proxied chat call as a server span and a GenAI client span under the caller', async () => {
    await addOpenAiChatRoute(cluster.admin, {
      service: 'llm',
      route: 'traced-chat',
      path: '~/traced-chat',
      upstreamUrl: `${openai.url}/v1/chat/completions`,
      config: ['config.model.options.max_tokens=512', 'config.model.options.temperature=1.0'],
    });
    await cluster.waitUntilInSync();

    const caller = newTraceparent();
    const answer = await fetch(`${cluster.proxies[0]!.url}/traced-chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: caller.traceparent },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'What is 1+1?' }] }),
    });
    expect(answer.status).toBe(200);
    await answer.text();

    const spans = await spansOf(caller.traceId, (found) => found.length >= 2);
    const server = spans.find((span) => span.kind === SERVER)!;
    const client = spans.find((span) => span.kind === CLIENT)!;
    expect(server).toMatchObject({
      name: 'POST traced-chat',
      parentSpanId: caller.spanId,
      attributes: expect.objectContaining({
        'http.response.status_code': 200,
        'switchyard.route.name': 'traced-chat',
      }),
    });
    expect(client).toMatchObject({
      name: 'chat gpt-4',
      parentSpanId: server.spanId,
      attributes: expect.objectContaining({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4',
        'gen_ai.request.max_tokens': 512,
        'gen_ai.request.temperature': 1,
        'gen_ai.usage.input_tokens': expect.any(Number),
        'gen_ai.usage.output_tokens': expect.any(Number),
        'server.address': '127.0.0.1',
      }),
    });
    // The provider was called in the client span's context.
    const upstream = openai.requests.at(-1)!;
    expect(upstream.headers.traceparent).toBe(`00-${caller.traceId}-${client.spanId}-01`);
  });
});
