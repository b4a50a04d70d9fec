import { request, type OutgoingHttpHeaders } from 'node:http';

/** An answer as `nodeRequest` read it: status, headers and the raw body bytes (never decoded). */
export interface NodeResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly text: string;
}

export interface NodeRequestOptions {
  readonly method?: string;
  /**
   * The request target as sent, unchecked by URL parsing: `/az/127.0.0.1:1#/chat` keeps its `#`,
   * `/../x` its dots.
   */
  readonly path: string;
  /** Sent as given, including those `fetch` refuses (`connection`, `cookie`, ...). */
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  /** Milliseconds before the request is given up. Default 10000. */
  readonly timeoutMs?: number;
}

/**
 * One request with `node:http` on a fresh connection: for what `fetch` normalises away (request
 * targets with `#` or dot segments, hop-by-hop headers) and for bodies as they came (no gzip decoding).
 */
export function nodeRequest(baseUrl: string, options: NodeRequestOptions): Promise<NodeResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method: options.method ?? 'POST',
        path: options.path,
        // Node frames a GET's body only when told its length (else it reads as the next request).
        headers:
          options.body === undefined
            ? options.headers
            : { 'content-length': Buffer.byteLength(options.body), ...options.headers },
        agent: false,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString() });
        });
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}
