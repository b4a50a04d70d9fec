// The OpenTelemetry Collector of the benchmark: a no-op one, in a process of its own (so that
// receiving spans never competes with the gateway's event loop). It accepts OTLP/HTTP trace
// exports on `POST /v1/traces` (any content type), reads each body, answers 200 with an empty
// body, and counts the export requests, the bytes received and the spans in them (a protobuf
// body is walked down to its spans without being decoded further; a JSON one is parsed).
// `GET /stats` answers those counts as JSON: `{ exports, bytes, spans, undecoded }`.
// Reports `{ url }` (the base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it) once it listens;
// stops on SIGTERM or when the benchmark goes away.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { closeOnStop, reply } from './children.mjs';

const stats = { exports: 0, bytes: 0, spans: 0, undecoded: 0 };

/** A protobuf varint at `offset`: `[value, offset after it]`. */
function varint(buf, offset) {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < buf.length; i += 1) {
    value += (buf[i] & 0x7f) * scale;
    if (buf[i] < 0x80) return [value, i + 1];
    scale *= 128;
  }
  throw new Error('truncated varint');
}

/** The length-delimited fields numbered `field` of a protobuf message. */
function submessages(buf, field) {
  const found = [];
  let offset = 0;
  while (offset < buf.length) {
    const [key, next] = varint(buf, offset);
    offset = next;
    const wireType = key % 8;
    if (wireType === 0) offset = varint(buf, offset)[1];
    else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else if (wireType === 2) {
      const [length, start] = varint(buf, offset);
      if (Math.floor(key / 8) === field) found.push(buf.subarray(start, start + length));
      offset = start + length;
    } else throw new Error(`wire type ${wireType}`);
  }
  return found;
}

/**
 * The spans of an ExportTraceServiceRequest: resource_spans (1) > scope_spans (2) > spans (2),
 * or resourceSpans[].scopeSpans[].spans[] in OTLP/JSON.
 */
function countSpans(body, json) {
  if (json) {
    const request = JSON.parse(body.toString('utf8'));
    return (request.resourceSpans ?? [])
      .flatMap((r) => r.scopeSpans ?? [])
      .reduce((total, scope) => total + (scope.spans?.length ?? 0), 0);
  }
  return submessages(body, 1)
    .flatMap((resourceSpans) => submessages(resourceSpans, 2))
    .reduce((total, scopeSpans) => total + submessages(scopeSpans, 2).length, 0);
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/traces') {
    req.resume();
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    stats.exports += 1;
    stats.bytes += body.length;
    try {
      const plain = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      stats.spans += countSpans(plain, (req.headers['content-type'] ?? '').startsWith('application/json'));
    } catch {
      stats.undecoded += 1;
    }
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
closeOnStop(() => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
});
await reply({ ready: { url: `http://127.0.0.1:${server.address().port}` } });
