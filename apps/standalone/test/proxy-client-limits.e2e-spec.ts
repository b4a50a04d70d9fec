import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startEchoUpstream,
  startStandaloneGateway,
  waitUntilServed,
  type EchoUpstream,
  type StandaloneGateway,
} from '@switchyard/testing';

const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
/** Node checks the two timeouts above on an interval; the proxy sets it to one second. */
const CHECK_INTERVAL_MS = 1000;
const MAX_BODY_BYTES = 64 * 1024;

/** A raw connection to the proxy: what it received, and when the proxy closed it. */
interface RawConnection {
  readonly socket: Socket;
  readonly openedAt: number;
  received(): string;
  /** Resolves to the milliseconds the connection lived, once the proxy closes it (or `waitMs` passes: -1). */
  closed(waitMs: number): Promise<number>;
}

function openRaw(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let closedAt: number | undefined;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.once('close', () => (closedAt = performance.now()));
    socket.once('connect', () => {
      const openedAt = performance.now();
      resolve({
        socket,
        openedAt,
        received: () => Buffer.concat(chunks).toString('latin1'),
        closed: (waitMs) =>
          new Promise((done) => {
            if (closedAt !== undefined) return done(closedAt - openedAt);
            const timer = setTimeout(() => done(-1), waitMs);
            socket.once('close', () => {
              clearTimeout(timer);
              done(performance.now() - openedAt);
            });
          }),
      });
    });
    socket.once('error', reject);
  });
}

/** Writes `piece` every `intervalMs` until the connection closes or `maxMs` passes. */
async function trickle(
  connection: RawConnection,
  piece: string,
  intervalMs: number,
  maxMs: number,
): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (!connection.socket.destroyed && performance.now() < deadline) {
    connection.socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** How a proxy treats clients that send slowly, or too much. */
describe('the proxy against slow and endless clients', () => {
  let gateway: StandaloneGateway;
  let echo: EchoUpstream;

  beforeAll(async () => {
    echo = await startEchoUpstream();
    gateway = await startStandaloneGateway({
      PROXY_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      PROXY_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      PROXY_KEEP_ALIVE_TIMEOUT_MS: '5000',
      PROXY_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    });
    expect((await gateway.admin.json('POST', '/services', { name: 'echo', url: echo.url })).status).toBe(201);
    expect((await gateway.admin.json('POST', '/services/echo/routes', { paths: ['/echo'] })).status).toBe(
      201,
    );
    await waitUntilServed(gateway.proxyUrl, '/echo');
  });

  afterAll(async () => {
    await gateway?.stop();
    await echo?.close();
  });

  it('closes the connection of a client still sending its headers after PROXY_HEADERS_TIMEOUT_MS', async () => {
    const connection = await openRaw(gateway.proxyUrl);
    connection.socket.write('GET /echo HTTP/1.1\r\nHost: proxy\r\n');
    void trickle(connection, 'X-Slow: a\r\n', 100, 6000);

    const lived = await connection.closed(6000);
    expect(lived, 'the connection was still open after 6 s').toBeGreaterThan(0);
    expect(lived).toBeLessThan(HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + 500);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes the connection of a client still sending its body after PROXY_REQUEST_TIMEOUT_MS', async () => {
    const connection = await openRaw(gateway.proxyUrl);
    connection.socket.write('POST /echo HTTP/1.1\r\nHost: proxy\r\nContent-Length: 1000\r\n\r\n');
    void trickle(connection, 'a', 100, 8000);

    const lived = await connection.closed(8000);
    expect(lived, 'the connection was still open after 8 s').toBeGreaterThan(0);
    expect(lived).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(lived).toBeLessThan(REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + 500);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  const CHUNKED_POST = 'POST /echo HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\n\r\n';
  const piece = Buffer.alloc(64 * 1024, 'a');
  const chunk = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);

  it('answers 413 with Connection: close to a body over the limit, and closes the connection', async () => {
    const connection = await openRaw(gateway.proxyUrl);
    // Over the limit, and not at its end: the proxy must not wait for the rest.
    connection.socket.write(Buffer.concat([Buffer.from(CHUNKED_POST), chunk, chunk]));

    const lived = await connection.closed(3000);
    expect(lived, 'the connection was still open after 3 s').toBeGreaterThan(0);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(connection.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(connection.received()).toContain('PROXY_MAX_BODY_BYTES');
  });

  it('stops reading an endless upload once it answered 413', async () => {
    const connection = await openRaw(gateway.proxyUrl);
    const { socket } = connection;
    socket.write(CHUNKED_POST);
    let sent = 0;
    const deadline = performance.now() + 4000;
    // Writes as fast as the proxy reads, for at most 4 s or 1 GiB. (Such a client may lose the
    // 413 itself: its next write fails on the closed connection before it reads; see above.)
    while (!socket.destroyed && performance.now() < deadline && sent < 1024 ** 3) {
      sent += chunk.length;
      if (!socket.write(chunk))
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, 200);
          socket.once('drain', () => {
            clearTimeout(timer);
            resolve(undefined);
          });
        });
    }

    const lived = await connection.closed(1000);
    expect(lived, `still open after sending ${sent} bytes`).toBeGreaterThan(0);
    // What fits in the socket buffers on both sides, not what the client could go on sending.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('keeps idle connections open for PROXY_KEEP_ALIVE_TIMEOUT_MS, and says so', async () => {
    const response = await fetch(`${gateway.proxyUrl}/echo`);
    await response.arrayBuffer();

    expect(response.headers.get('keep-alive')).toBe('timeout=5');
  });
});
