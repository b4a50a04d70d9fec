import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the upstream received it. */
export interface ReceivedUpstreamRequest {
  readonly method: string;
  /** The path and query string. */
  readonly path: string;
  /** Lower-cased header names, as Node parses them. */
  readonly headers: IncomingHttpHeaders;
  /** The body as text (empty when there was none). */
  readonly body: string;
}

/** What the upstream answers: an object body is sent as JSON. */
export interface ScriptedReply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | object;
}

/**
 * A plain HTTP upstream (a Service behind a route, not an LLM) on 127.0.0.1 that records every
 * request with its body and answers whatever the test set last: for plugins that rewrite what a
 * service receives or answers.
 */
export interface ScriptedUpstream {
  /** `http://127.0.0.1:<port>`, for a Service's `url`. */
  readonly url: string;
  /** Every request received since start or the last `reset()`, oldest first. */
  readonly requests: readonly ReceivedUpstreamRequest[];
  /** The answer to the next requests (default: 200, `{"upstream": "scripted"}`). */
  reply: ScriptedReply;
  /** Forgets the requests and restores the default answer. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_REPLY: ScriptedReply = { body: { upstream: 'scripted' } };

/** Starts a `ScriptedUpstream` on an ephemeral port. */
export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const requests: ReceivedUpstreamRequest[] = [];
  let reply = DEFAULT_REPLY;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const json = typeof reply.body === 'object';
      const body = typeof reply.body === 'object' ? JSON.stringify(reply.body) : (reply.body ?? '');
      res.writeHead(reply.status ?? 200, {
        ...(json && { 'content-type': 'application/json' }),
        ...reply.headers,
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get reply() {
      return reply;
    },
    set reply(value: ScriptedReply) {
      reply = value;
    },
    reset() {
      requests.length = 0;
      reply = DEFAULT_REPLY;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
