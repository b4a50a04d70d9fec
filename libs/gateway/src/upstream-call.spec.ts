import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Agent, errors } from 'undici';
import { UpstreamCall, type CallCancellation } from './upstream-call.js';

/** The paths whose connection the test upstream saw closed (the gateway keeps connections alive otherwise). */
const closedConnections = new Set<string>();

/** An upstream whose answer each path chooses. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  req.socket.once('close', () => closedConnections.add(path));
  if (path === '/whole') {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-answer': 'yes' });
    res.write('one ');
    setTimeout(() => res.end('two'), 5);
  } else if (path === '/informational') {
    res.writeProcessing();
    res.writeHead(201).end('made');
  } else if (path.startsWith('/large')) {
    res.writeHead(200).end(Buffer.alloc(Number(path.slice('/large/'.length)), 'a'));
  } else if (path.startsWith('/drip') || path === '/silent-body') {
    res.writeHead(200);
    res.write('x');
    if (path === '/silent-body') return;
    const timer = setInterval(() => res.write('x'), 10);
    res.on('close', () => clearInterval(timer));
  } else if (path === '/broken') {
    res.writeHead(200, { 'content-length': '100' });
    res.write('only part');
    setTimeout(() => res.destroy(), 5);
  } else if (path === '/no-head') {
    // Never answers.
  }
}

let server: Server;
let origin: string;
const agent = new Agent({ keepAliveTimeout: 1_000 });

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function cancellation(): CallCancellation & { cancel(): void } {
  return {
    cancelled: false,
    onCancel: undefined,
    cancel() {
      (this as { cancelled: boolean }).cancelled = true;
      this.onCancel?.();
    },
  };
}

function call(path: string, cancel = cancellation(), timeoutMs = 5_000): UpstreamCall {
  const upstreamCall = new UpstreamCall(cancel);
  agent.dispatch(
    { origin, path, method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
    upstreamCall,
  );
  return upstreamCall;
}

const tooLarge = () => new Error('too large');
const late = () => new Error('too late');

/** Whether the upstream saw `path`'s connection close within a second. */
async function upstreamClosed(path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 100 && !closedConnections.has(path); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return closedConnections.has(path);
}

describe('UpstreamCall', () => {
  it('resolves with the head and reads the whole body, chunks that came before the reader included', async () => {
    const response = await call('/whole').head;
    expect(response.status).toBe(200);
    expect(closedConnections.has('/whole')).toBe(false);
    expect(response.headers['x-answer']).toBe('yes');
    await new Promise((resolve) => setTimeout(resolve, 20)); // the body ends before anyone reads it
    const body = await response.body.readWhole(1_000, 1_000, tooLarge, late);
    expect(body.toString()).toBe('one two');
  });

  it('skips informational heads', async () => {
    const response = await call('/informational').head;
    expect(response.status).toBe(201);
    expect((await response.body.readWhole(100, 1_000, tooLarge, late)).toString()).toBe('made');
  });

  it('cuts a whole read off past its limit and drops the connection', async () => {
    const response = await call('/large/300000').head;
    await expect(response.body.readWhole(100_000, 1_000, tooLarge, late)).rejects.toThrow('too large');
    expect(await upstreamClosed('/large/300000')).toBe(true);
  });

  it('cuts a whole read off at its deadline however steadily the body drips', async () => {
    const response = await call('/drip').head;
    const started = performance.now();
    await expect(response.body.readWhole(1_000_000, 100, tooLarge, late)).rejects.toThrow('too late');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await upstreamClosed('/drip')).toBe(true);
  });

  it("rejects a whole read with undici's body timeout when the body stalls", async () => {
    const response = await call('/silent-body', cancellation(), 100).head;
    await expect(response.body.readWhole(1_000, 5_000, tooLarge, late)).rejects.toBeInstanceOf(
      errors.BodyTimeoutError,
    );
  });

  it('rejects a reader that comes after the body broke off with what broke it', async () => {
    const response = await call('/broken').head;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(response.body.readWhole(1_000, 1_000, tooLarge, late)).rejects.toThrow();
  });

  it('rejects the head with RequestAbortedError when the client goes away before it', async () => {
    const cancel = cancellation();
    const pending = call('/no-head', cancel).head;
    await new Promise((resolve) => setTimeout(resolve, 20));
    cancel.cancel();
    await expect(pending).rejects.toBeInstanceOf(errors.RequestAbortedError);
    expect(await upstreamClosed('/no-head')).toBe(true);
    expect(cancel.onCancel).toBeUndefined();
  });

  it('never starts a call whose client went away already', async () => {
    const cancel = cancellation();
    cancel.cancel();
    await expect(call('/whole', cancel).head).rejects.toBeInstanceOf(errors.RequestAbortedError);
  });

  it('streams a large body with backpressure, intact', async () => {
    const size = 4 * 1024 * 1024;
    const response = await call(`/large/${size}`).head;
    let received = 0;
    for await (const chunk of response.body.stream()) {
      received += (chunk as Buffer).length;
      // A slow reader: the connection pauses meanwhile.
      if (received % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(received).toBe(size);
  });

  it('ends a stream with the error it was destroyed with, and drops the connection', async () => {
    const response = await call('/drip-stream').head;
    const body = response.body.stream();
    setTimeout(() => body.destroy(new Error('idle')), 30);
    await expect(
      (async () => {
        for await (const _ of body) {
          // reading
        }
      })(),
    ).rejects.toThrow('idle');
    expect(await upstreamClosed('/drip-stream')).toBe(true);
  });

  it('pipes a large body into a slow writable, with backpressure, intact, and ends it', async () => {
    const size = 4 * 1024 * 1024;
    const response = await call(`/large/${size}`).head;
    let received = 0;
    let ended = false;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        setImmediate(done);
      },
      final(done) {
        ended = true;
        done();
      },
    });
    await response.body.pipeTo(slow);
    await new Promise((resolve) => slow.once('finish', resolve));
    expect({ received, ended }).toEqual({ received: size, ended: true });
  });

  it('rejects a pipe with what broke the body off, leaving the writable open', async () => {
    const response = await call('/broken').head;
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    await expect(response.body.pipeTo(sink)).rejects.toThrow();
    expect(sink.writableEnded).toBe(false);
  });

  it('abandons a body nobody reads without an error escaping', async () => {
    const response = await call('/drip-abandoned').head;
    response.body.abandon();
    expect(await upstreamClosed('/drip-abandoned')).toBe(true);
  });
});
