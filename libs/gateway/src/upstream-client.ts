import { Agent, errors, type Dispatcher } from 'undici';
import { GatewayError, type UpstreamRequest, type UpstreamTimeouts } from '@switchyard/plugin-api';
import { UpstreamCall, type CallCancellation, type UpstreamResponse } from './upstream-call.js';

export type { UpstreamTimeouts, UpstreamResponse, CallCancellation };

/**
 * Calls upstreams over keep-alive connection pools, one pool per origin (undici's Agent keeps
 * them). Connect timeouts are a pool setting, so there is one agent per distinct connect
 * timeout (services rarely differ). Failures become the client's answer: 502 when the upstream
 * cannot be reached, 504 when it does not answer in time, each naming the upstream.
 */
export class UpstreamClient {
  private readonly agents = new Map<number, Agent>();

  /**
   * Sends `request`; resolves with the answer's head (its body read as the caller chooses) or
   * rejects with the client's 502 or 504. The call is cut off when `cancellation` fires.
   */
  async send(
    request: UpstreamRequest,
    timeouts: UpstreamTimeouts,
    cancellation: CallCancellation,
  ): Promise<UpstreamResponse> {
    const { url } = request;
    const call = new UpstreamCall(cancellation);
    this.agentFor(timeouts.connect).dispatch(
      {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body,
        // read_timeout: the wait for the response head, and then between two body chunks.
        headersTimeout: timeouts.read,
        bodyTimeout: timeouts.read,
      },
      call,
    );
    try {
      return await call.head;
    } catch (error) {
      throw upstreamFailure(error as Error, request);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.close()));
    this.agents.clear();
  }

  private agentFor(connectTimeout: number): Agent {
    let agent = this.agents.get(connectTimeout);
    if (!agent) {
      agent = new Agent({ connect: { timeout: connectTimeout }, keepAliveTimeout: 60_000, connections: 256 });
      this.agents.set(connectTimeout, agent);
    }
    return agent;
  }
}

/** Whether an upstream error means "took too long" (504) rather than "could not talk" (502). */
export function isTimeout(error: Error): boolean {
  return (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError ||
    error instanceof BodyDeadlineError
  );
}

/** A body read whole that did not end within its deadline (however steadily it dripped). */
class BodyDeadlineError extends Error {
  constructor(deadlineMs: number) {
    super(`the answer did not end within ${deadlineMs} ms`);
    this.name = 'BodyDeadlineError';
  }
}

/**
 * How an upstream call failed, as a trace's `error.type`: `timeout`, else the error's code
 * (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...) or its name.
 */
export function upstreamErrorType(error: Error): string {
  if (error instanceof UpstreamCallError) return error.errorType;
  if (isTimeout(error)) return 'timeout';
  return (error as { code?: string }).code ?? error.name;
}

/** The client's answer (502 or 504) to an upstream call that failed before its response head. */
export class UpstreamCallError extends GatewayError {
  constructor(
    status: number,
    message: string,
    /** How the call failed (`upstreamErrorType`). */
    readonly errorType: string,
    /** Whether the request may have reached the upstream (false when no connection could be made). */
    readonly sent = true,
  ) {
    super(status, message);
  }
}

/**
 * Reads a whole upstream body, of at most `limit` bytes (`PROXY_MAX_RESPONSE_BODY_BYTES`), which
 * must end within `deadlineMs` of its head (the service's read_timeout: a provider sends a whole
 * answer once it is written, so a body still arriving then is one dripped to hold the client).
 * Failures become the client's answer, since its head has not been sent: 502 when the body is
 * larger (the rest is never read) or breaks off, 504 when it stalls or misses its deadline.
 */
export function readUpstreamBody(
  response: UpstreamResponse,
  limit: number,
  request: UpstreamRequest,
  deadlineMs: number,
): Promise<Buffer> {
  return response.body
    .readWhole(
      limit,
      deadlineMs,
      () =>
        new UpstreamCallError(
          502,
          `the ${request.label} upstream's answer is larger than ${limit} bytes (PROXY_MAX_RESPONSE_BODY_BYTES); the gateway stopped reading it`,
          'body_too_large',
        ),
      () => new BodyDeadlineError(deadlineMs),
    )
    .catch((error: Error) => {
      throw error instanceof UpstreamCallError ? error : upstreamFailure(error, request, 'body');
    });
}

/** Errors of a connection that was never made: the request cannot have reached the upstream. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether `error` says the connection could not be made (so nothing was sent). */
function connectFailed(error: Error): boolean {
  const code = (error as { code?: string }).code;
  return error instanceof errors.ConnectTimeoutError || (code !== undefined && CONNECT_FAILURES.has(code));
}

/**
 * The client's answer to an upstream call that failed before the client got a head: while
 * waiting for the upstream's head (`stage` `head`), or while reading a body read whole (`body`).
 * An abort (the client went away) stays an abort.
 */
export function upstreamFailure(
  error: Error,
  request: UpstreamRequest,
  stage: 'head' | 'body' = 'head',
): Error {
  if (error.name === 'AbortError' || error instanceof errors.RequestAbortedError) return error;
  const where = `${request.url.host}`;
  const errorType = upstreamErrorType(error);
  const sent = stage === 'body' || !connectFailed(error);
  if (isTimeout(error))
    return new UpstreamCallError(504, `the ${request.label} upstream (${where}) timed out`, errorType, sent);
  const reason = (error as { code?: string }).code ?? error.message;
  const failed =
    stage === 'head'
      ? `could not reach the ${request.label} upstream (${where})`
      : `the ${request.label} upstream (${where}) broke off its answer`;
  return new UpstreamCallError(502, `${failed}: ${reason}`, errorType, sent);
}
