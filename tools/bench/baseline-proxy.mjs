// The baseline: the least a JSON-aware proxy does, in plain Node (node:http + undici, the same
// Node as the gateway). It reads and parses the client's JSON body, forwards it re-serialised
// with the upstream credential over a keep-alive pool, and then either parses the upstream's JSON
// answer and sends it re-serialised, or (for `"stream": true`) writes each upstream chunk to the
// client as it arrives. Input: `{ upstreamUrl, authorization }`; reports `{ url }`.
import { createServer } from 'node:http';
import { Agent } from 'undici';
import { childInput, closeOnStop, reply } from './children.mjs';

const { upstreamUrl, authorization } = childInput();
const target = new URL(upstreamUrl);
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 256 });

async function forward(req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const upstream = await agent.request({
    origin: target.origin,
    path: target.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(request),
  });
  if (request.stream === true) {
    res.writeHead(upstream.statusCode, {
      'content-type': upstream.headers['content-type'],
      'cache-control': 'no-cache',
    });
    for await (const chunk of upstream.body) res.write(chunk);
    res.end();
    return;
  }
  const payload = JSON.stringify(await upstream.body.json());
  res.writeHead(upstream.statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  forward(req, res).catch((error) => {
    if (res.headersSent) res.destroy(error);
    else res.writeHead(502).end(String(error));
  });
});
server.listen(
  0,
  '127.0.0.1',
  () => void reply({ ready: { url: `http://127.0.0.1:${server.address().port}` } }),
);
closeOnStop(
  () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
