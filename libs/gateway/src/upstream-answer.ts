import type { ServerResponse } from 'node:http';
import type {
  AttemptFailure,
  BufferedResponse,
  PluginHandler,
  ResponseHead,
  StreamTransformer,
} from '@switchyard/plugin-api';
import { forwardableResponseHeaders } from './http-messages.js';
import type { ProxyRequestContext } from './proxy-request-context.js';
import { readUpstreamBody, type UpstreamResponse } from './upstream-client.js';

/** Told when the upstream body breaks off after its head arrived (for the trace). */
export type UpstreamBreakListener = ((error: Error) => void) | undefined;

/** `RequestContext.failure` of an answer whose upstream broke off after the client got the head. */
const UPSTREAM_BROKE_OFF = 'upstream_broke_off';

/** A stream that produced nothing for the client for longer than its idle timeout. */
export class StreamIdleError extends Error {
  /** `RequestContext.failure` of a stream ended this way. */
  static readonly failure = 'stream_idle_timeout';

  constructor(label: string, idleMs: number) {
    super(`no complete event from the ${label} upstream for ${idleMs} ms`);
    this.name = 'StreamIdleError';
  }
}

/** `responseMode` `passthrough`: the upstream's head and body as they come. */
export async function sendPassthrough(
  ctx: ProxyRequestContext,
  response: UpstreamResponse,
  res: ServerResponse,
  onUpstreamBreak: UpstreamBreakListener,
): Promise<void> {
  res.writeHead(response.status, forwardableResponseHeaders(response.headers, true));
  ctx.timings.firstByte = performance.now();
  try {
    await response.body.pipeTo(res);
  } catch (error) {
    if (!ctx.cancelled) {
      ctx.failure ??= UPSTREAM_BROKE_OFF;
      onUpstreamBreak?.(error as Error);
    }
    throw error;
  }
}

/**
 * `responseMode` `buffered`: the whole upstream body, read up to `ctx.limits` and within
 * `deadlineMs` (a larger, broken or late one is a 502 or 504 before the client got anything),
 * through the plugins' `bufferedResponse`, then head and body in one write.
 */
export async function sendBuffered(
  ctx: ProxyRequestContext,
  chain: readonly PluginHandler[],
  response: UpstreamResponse,
  res: ServerResponse,
  deadlineMs: number,
): Promise<void> {
  const buffered: BufferedResponse = {
    status: response.status,
    headers: forwardableResponseHeaders(response.headers, false),
    body: await readUpstreamBody(response, ctx.limits.maxResponseBodyBytes, ctx.upstream, deadlineMs),
  };
  for (const handler of chain) {
    // A phase that finished at once costs no microtask.
    const pending = handler.bufferedResponse?.(ctx, buffered);
    if (pending) await pending;
  }
  ctx.status = buffered.status;
  buffered.headers['content-length'] = String(buffered.body.length);
  res.writeHead(buffered.status, buffered.headers);
  ctx.timings.firstByte = performance.now();
  res.end(buffered.body);
}

/**
 * A streamed attempt that failed before its first byte reached the client (the request may
 * still fail over): nothing was written yet.
 */
export interface HeldStreamFailure {
  readonly failure: AttemptFailure;
  /** Answers the client as without failover: the head, then the stream's last bytes (its error event). */
  release(): void;
}

/**
 * `responseMode` `stream`: the head, then each upstream chunk through the plugins'
 * transformers, written the moment something comes out. When nothing comes out for `idleMs`
 * (a provider that drips bytes which never complete an event restarts no clock), the upstream
 * body is ended with a `StreamIdleError`, which the transformers turn into their last bytes.
 *
 * With `holdHead` (a request that may still fail over), the head waits for the first bytes the
 * transformers produce, and a stream that fails before them (the transformers marked it failed
 * on `ctx.failure`: the provider's error event; or the upstream broke off or stayed idle) is
 * returned as a `HeldStreamFailure`, with nothing written.
 */
export async function sendStreamed(
  ctx: ProxyRequestContext,
  chain: readonly PluginHandler[],
  response: UpstreamResponse,
  res: ServerResponse,
  idleMs: number,
  onUpstreamBreak: UpstreamBreakListener,
  holdHead = false,
): Promise<HeldStreamFailure | undefined> {
  const head: ResponseHead = {
    status: response.status,
    headers: forwardableResponseHeaders(response.headers, false),
  };
  const transformers: StreamTransformer[] = [];
  for (const handler of chain) {
    const transformer = handler.streamStart?.(ctx, head);
    if (transformer) transformers.push(transformer);
  }
  ctx.status = head.status;
  let headSent = false;
  const sendHead = () => {
    headSent = true;
    res.writeHead(head.status, head.headers);
  };
  if (!holdHead) sendHead();
  const body = response.body.stream();
  const idle = setTimeout(() => body.destroy(new StreamIdleError(ctx.upstream.label, idleMs)), idleMs);
  // Each piece is written as soon as it is produced: node sends it at once (no Nagle on the socket).
  let reading = true;
  const write = (piece: Buffer | string) => {
    if (piece.length === 0) return;
    // A held failure released after the read ended must not re-arm the idle timer.
    if (reading) idle.refresh();
    if (!headSent) sendHead();
    ctx.timings.firstByte ??= performance.now();
    res.write(piece);
  };
  /** A held stream the transformers marked failed before anything was written. */
  const heldFailure = (piece: Buffer | string, rest: () => void): HeldStreamFailure | undefined => {
    if (headSent || ctx.failure === undefined) return undefined;
    const message = `the ${ctx.upstream.label} upstream's stream failed before its first event (${ctx.failure})`;
    return {
      failure: { reason: 'stream_error', sent: true, status: head.status, headers: head.headers, message },
      release: () => {
        write(piece);
        rest();
        res.end();
      },
    };
  };
  try {
    for await (const chunk of body) {
      const piece = throughAll(transformers, 0, chunk as Buffer);
      const held = heldFailure(piece, () => undefined);
      if (held) return held;
      write(piece);
      if (ctx.cancelled) return undefined;
    }
    for (let index = 0; index < transformers.length; index += 1) {
      const piece = throughAll(transformers, index + 1, transformers[index]!.end());
      const held = heldFailure(piece, () => endAll(transformers, index + 1, write));
      if (held) return held;
      write(piece);
    }
  } catch (error) {
    if (ctx.cancelled) return undefined;
    const idleOut = error instanceof StreamIdleError;
    ctx.failure ??= idleOut ? StreamIdleError.failure : UPSTREAM_BROKE_OFF;
    const failAll = () => {
      onUpstreamBreak?.(error as Error);
      for (let index = 0; index < transformers.length; index += 1) {
        write(throughAll(transformers, index + 1, transformers[index]!.fail(error as Error)));
      }
    };
    if (!headSent) {
      const failure: AttemptFailure = {
        reason: idleOut ? 'timeout' : 'error',
        sent: true,
        status: head.status,
        message: (error as Error).message,
      };
      return {
        failure,
        release: () => {
          failAll();
          if (!headSent) sendHead();
          res.end();
        },
      };
    }
    failAll();
  } finally {
    reading = false;
    clearTimeout(idle);
  }
  if (!headSent) sendHead();
  res.end();
  return undefined;
}

/** The `end()` bytes of the transformers from `from` on, each through those after it. */
function endAll(
  transformers: readonly StreamTransformer[],
  from: number,
  write: (piece: Buffer | string) => void,
): void {
  for (let index = from; index < transformers.length; index += 1) {
    write(throughAll(transformers, index + 1, transformers[index]!.end()));
  }
}

/** Passes a piece through the transformers from `from` on, each one's output the next one's input. */
function throughAll(
  transformers: readonly StreamTransformer[],
  from: number,
  piece: Buffer | string,
): Buffer | string {
  let current = piece;
  for (let index = from; index < transformers.length && current.length > 0; index += 1) {
    current = transformers[index]!.transform(typeof current === 'string' ? Buffer.from(current) : current);
  }
  return current;
}
