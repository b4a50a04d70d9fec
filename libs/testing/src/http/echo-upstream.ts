import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the echo upstream answers to every request (JSON, status 200). */
export interface EchoReply {
  readonly upstream: 'echo';
  readonly method: string;
  /** The path (and query) the upstream received, after the proxy's route handling. */
  readonly path: string;
}

/** A tiny HTTP upstream on 127.0.0.1 that answers every request with an `EchoReply`. */
export interface EchoUpstream {
  /** `http://127.0.0.1:<port>`, for a Service's `url`. */
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Starts an `EchoUpstream` on an ephemeral port: the Service behind routes a test wants to see served. */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    const reply: EchoReply = { upstream: 'echo', method: req.method ?? 'GET', path: req.url ?? '/' };
    const body = JSON.stringify(reply);
    // Drain the request body (if any) before answering, so keep-alive connections stay usable.
    req.resume();
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
        .end(body),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
