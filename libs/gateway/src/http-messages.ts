import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '@switchyard/plugin-api';

/** Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/** The `Connection` tokens that only say keep-alive or close: they name no header to drop. */
const CONNECTION_OPTIONS = new Set(['keep-alive', 'close']);

/**
 * The header names a `Connection` header lists (RFC 9110 §7.6.1: hop-by-hop, for this
 * connection only), lower case; `undefined` when it lists none, as nearly always.
 */
function namedInConnection(value: string | string[] | undefined): Set<string> | undefined {
  // The values nearly every client and upstream send, answered without splitting them.
  if (value === undefined || value === 'keep-alive' || value === 'close') return undefined;
  let named: Set<string> | undefined;
  for (const token of (Array.isArray(value) ? value.join(',') : value).split(',')) {
    const name = token.trim().toLowerCase();
    if (name !== '' && !CONNECTION_OPTIONS.has(name)) (named ??= new Set()).add(name);
  }
  return named;
}

/** The port in a `Host` header (`host:8000`, `[::1]:8000`), removed. */
const HOST_PORT = /:\d+$/;

/**
 * The client's headers to send upstream: hop-by-hop ones, `host` and those the client's
 * `Connection` names dropped, lists joined; then the `X-Forwarded-*` headers Kong sets for a
 * client it does not trust: `X-Forwarded-For` gets the client's address appended, and
 * `X-Forwarded-Proto`, `-Host`, `-Port` and `X-Real-IP` say what this proxy saw, whatever the
 * client sent.
 */
export function forwardableRequestHeaders(req: IncomingMessage): Record<string, string> {
  const { headers, socket } = req;
  const dropped = namedInConnection(headers.connection);
  const forwarded: Record<string, string> = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || dropped?.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) forwarded[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const clientAddress = socket.remoteAddress;
  if (clientAddress) {
    const earlier = forwarded['x-forwarded-for'];
    forwarded['x-forwarded-for'] = earlier ? `${earlier}, ${clientAddress}` : clientAddress;
    forwarded['x-real-ip'] = clientAddress;
  }
  forwarded['x-forwarded-proto'] = 'encrypted' in socket && socket.encrypted ? 'https' : 'http';
  if (headers.host) forwarded['x-forwarded-host'] = headers.host.replace(HOST_PORT, '').toLowerCase();
  if (socket.localPort !== undefined) forwarded['x-forwarded-port'] = String(socket.localPort);
  return forwarded;
}

/**
 * The upstream's headers to send the client, without hop-by-hop ones and those the upstream's
 * `Connection` names; `keepLength` keeps `content-length` for an unchanged body.
 */
export function forwardableResponseHeaders(
  headers: Record<string, string | string[]>,
  keepLength: boolean,
): Record<string, string | string[]> {
  const dropped = namedInConnection(headers['connection']);
  const forwarded: Record<string, string | string[]> = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) && !(keepLength && name === 'content-length')) continue;
    if (dropped?.has(name)) continue;
    forwarded[name] = headers[name]!;
  }
  return forwarded;
}

/** Whether the request has a body that was not read to its end (`req.complete` alone is false until its end is parsed). */
function bodyLeftUnread(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Sends a JSON body with its length; `extra` headers first so that content headers win. When
 * the request's body was not read to its end (a 413, an answer given before reading it), the
 * answer says `Connection: close`: node then reads no further and destroys the socket once the
 * answer is flushed (`destroySoon`), instead of reading a body nobody wants, maybe forever.
 */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Readonly<Record<string, string>> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...extra,
    ...(bodyLeftUnread(req) && { connection: 'close' }),
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/**
 * Reads the whole request body; 413 when it is larger than `limit` bytes, after which nothing
 * more is read (the answer closes the connection, see `sendJson`).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(bodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function bodyTooLarge(limit: number): GatewayError {
  return new GatewayError(
    413,
    `request body is larger than the proxy's limit of ${limit} bytes (PROXY_MAX_BODY_BYTES); send a smaller request`,
  );
}
