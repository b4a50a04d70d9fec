import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayLogger } from '../logger.js';
import { startTracing, type Tracing } from './start-tracing.js';
import { contextFromTraceparent, traceparentOf } from './trace-carrier.js';
import { TracingSettings } from './tracing-settings.js';

const SERVICE = { serviceName: 'switchyard-test', serviceVersion: '0.0.0-test' };

/** A collector stand-in that records each export's path and headers. */
async function startCollector() {
  const received: { path: string; headers: IncomingHttpHeaders; bytes: number }[] = [];
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, bytes });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    received,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('startTracing', () => {
  let tracing: Tracing | undefined;

  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('registers nothing when tracing is not asked for: no tracer, and the API records nothing', async () => {
    tracing = await startTracing(new TracingSettings(), SERVICE);
    expect(tracing.enabled).toBe(false);
    expect(tracing.tracer('@switchyard/test')).toBeUndefined();
    const span = trace.getTracer('@switchyard/test').startSpan('ignored');
    expect(span.isRecording()).toBe(false);
    span.end();
  });

  it('exports spans with the service name to the test exporter', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = await startTracing(new TracingSettings(), { ...SERVICE, exporter });
    const tracer = tracing.tracer('@switchyard/test')!;
    tracer.startSpan('work', { kind: SpanKind.INTERNAL }).end();
    await tracing.flush();
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('work');
    expect(span!.resource.attributes['service.name']).toBe('switchyard-test');
    expect(span!.resource.attributes['service.version']).toBe('0.0.0-test');
    expect(span!.instrumentationScope.name).toBe('@switchyard/test');
  });

  it('posts OTLP protobuf to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces by default', async () => {
    const collector = await startCollector();
    try {
      tracing = await startTracing(
        Object.assign(new TracingSettings(), { OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.endpoint}/` }),
        SERVICE,
      );
      expect(tracing.enabled).toBe(true);
      tracing.tracer('@switchyard/test')!.startSpan('exported').end();
      await tracing.flush();
      expect(collector.received).toHaveLength(1);
      expect(collector.received[0]).toMatchObject({
        path: '/v1/traces',
        headers: expect.objectContaining({ 'content-type': 'application/x-protobuf' }),
      });
      expect(collector.received[0]!.bytes).toBeGreaterThan(0);
    } finally {
      await collector.close();
    }
  });

  it("reports a failed export in the app's log", async () => {
    const collector = await startCollector();
    await collector.close();
    const problems: string[] = [];
    const record = (message: string) => void problems.push(message);
    const logger: GatewayLogger = {
      debug: () => undefined,
      info: () => undefined,
      warn: record,
      error: record,
      child: () => logger,
      record: () => undefined,
      flush: () => undefined,
    };
    // The exporter reads its timeout from the environment: short, so that it gives up at once.
    process.env['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT'] = '300';
    try {
      tracing = await startTracing(
        Object.assign(new TracingSettings(), {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
          OTEL_BSP_SCHEDULE_DELAY: 10,
        }),
        { ...SERVICE, logger },
      );
    } finally {
      delete process.env['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT'];
    }
    tracing.tracer('@switchyard/test')!.startSpan('lost').end();
    await expect
      .poll(() => problems.join('\n'), { timeout: 5_000 })
      .toMatch(/^opentelemetry: .*ECONNREFUSED/m);
  });

  it('drops root spans with the always_off sampler, but still follows a sampled parent under parentbased', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = await startTracing(
      Object.assign(new TracingSettings(), { OTEL_TRACES_SAMPLER: 'parentbased_always_off' }),
      {
        ...SERVICE,
        exporter,
      },
    );
    const tracer = tracing.tracer('@switchyard/test')!;
    expect(tracer.startSpan('root').isRecording()).toBe(false);
    const sampledParent = contextFromTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(tracer.startSpan('child', {}, sampledParent).isRecording()).toBe(true);
  });
});

describe('trace carriers', () => {
  it('carry a span context through its traceparent and back', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = await startTracing(new TracingSettings(), { ...SERVICE, exporter });
    try {
      const span = tracing.tracer('@switchyard/test')!.startSpan('write');
      const { traceId, spanId } = span.spanContext();
      const traceparent = traceparentOf(trace.setSpan(ROOT_CONTEXT, span));
      expect(traceparent).toBe(`00-${traceId}-${spanId}-01`);
      expect(trace.getSpanContext(contextFromTraceparent(traceparent))).toMatchObject({ traceId, spanId });
      span.end();
    } finally {
      await tracing.shutdown();
    }
  });

  it('start a new trace when there is no traceparent', () => {
    expect(contextFromTraceparent(null)).toBe(ROOT_CONTEXT);
    expect(contextFromTraceparent(undefined)).toBe(ROOT_CONTEXT);
    expect(traceparentOf(ROOT_CONTEXT)).toBeUndefined();
  });
});
