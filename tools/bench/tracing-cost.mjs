// `npm run bench -- --tracing-cost`: the CPU the proxy's tracing itself costs per request, apart
// from HTTP and the rest of the gateway (whose noise on a shared machine hides a few µs): the
// spans of one traced chat request (server span, upstream client span with its GenAI attributes,
// traceparent extracted and injected) through the real SDK and batch processor, 100k times in
// one process, with the sampler dropping every trace, keeping every trace, and keeping every
// trace and serializing each batch to OTLP protobuf as the exporter does (sending excluded).
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ProxyTracer } from '@switchyard/gateway';

const WARMUP = 20_000;
const REQUESTS = 100_000;
const CLIENT_REQUEST = {
  method: 'POST',
  httpVersion: '1.1',
  headers: {
    host: '127.0.0.1:8000',
    'user-agent': 'OpenAI/JS 6.0.0',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  },
  socket: { remoteAddress: '127.0.0.1' },
};
const ROUTED = { route: { id: 'route-id', name: 'openai-chat' }, service: { id: 'service-id', name: 'llm' } };
const PROVIDER_URL = new URL('http://127.0.0.1:9000/v1/chat/completions');
const REQUEST_ATTRIBUTES = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4',
  'gen_ai.request.stream': false,
  'gen_ai.request.max_tokens': 512,
  'gen_ai.request.temperature': 1,
};
const RESPONSE_ATTRIBUTES = {
  'gen_ai.response.id': 'chatcmpl-8f1d2e',
  'gen_ai.response.model': 'gpt-4-0613',
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.usage.input_tokens': 14,
  'gen_ai.usage.output_tokens': 9,
};

/** One request's tracing, as the request handler and the ai-proxy plugin drive it. */
function traceOneRequest(tracer) {
  const trace = tracer.start(CLIENT_REQUEST, '/openai-chat', performance.now());
  trace.routed(ROUTED);
  const upstream = trace.upstream;
  if (upstream) {
    upstream.name = 'chat gpt-4';
    Object.assign(upstream.attributes, REQUEST_ATTRIBUTES);
  }
  trace.upstreamStarting({ url: PROVIDER_URL, method: 'POST', headers: {} }, performance.now());
  trace.upstreamAnswered(200);
  if (upstream) Object.assign(upstream.attributes, RESPONSE_ATTRIBUTES);
  trace.finish(200, performance.now(), false);
}

async function measure(name, { sampled, serialize }) {
  let bytes = 0;
  const exporter = {
    export(spans, done) {
      if (serialize) bytes += ProtobufTraceSerializer.serializeRequest(spans).length;
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
  };
  const provider = new TracerProvider({
    sampler: sampled ? new AlwaysOnSampler() : new AlwaysOffSampler(),
    // A queue that never drops, so that every span is processed (the default drops past 2048).
    spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 1_000_000 })],
  });
  const tracer = new ProxyTracer(provider.getTracer('@switchyard/gateway'));
  for (let index = 0; index < WARMUP; index += 1) traceOneRequest(tracer);
  await provider.forceFlush();
  bytes = 0;
  const before = process.cpuUsage();
  for (let index = 0; index < REQUESTS; index += 1) traceOneRequest(tracer);
  await provider.forceFlush();
  const used = process.cpuUsage(before);
  await provider.shutdown();
  const perRequestUs = Math.round(((used.user + used.system) / REQUESTS) * 10) / 10;
  return { name, perRequestUs, ...(serialize && { bytesPerSpan: Math.round(bytes / REQUESTS / 2) }) };
}

/** The three figures, in one process (the W3C propagator registered as the gateway registers it). */
export async function measureTracingCost() {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const results = [
    await measure('sampler drops the trace', { sampled: false, serialize: false }),
    await measure('sampled: 2 spans through the batch processor', { sampled: true, serialize: false }),
    await measure('sampled, and serialized to OTLP protobuf', { sampled: true, serialize: true }),
  ];
  for (const result of results) {
    console.log(
      `${result.name}: ${result.perRequestUs} µs CPU per request${result.bytesPerSpan ? `, ${result.bytesPerSpan} bytes per span` : ''}`,
    );
  }
  return results;
}
