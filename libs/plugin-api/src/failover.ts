import type { RequestContext } from './request-context.js';

/**
 * Why one upstream attempt failed before the client got anything: Kong's `failover_criteria`
 * names (`error`, `timeout`, `http_<status>`), plus `stream_error` for a 200 stream that the
 * provider failed (an error event, an exception frame) before its first byte reached the client.
 */
export type AttemptFailureReason =
  | 'error'
  | 'timeout'
  | 'http_403'
  | 'http_404'
  | 'http_429'
  | 'http_500'
  | 'http_502'
  | 'http_503'
  | 'http_504'
  | 'stream_error';

/** One failed attempt, as the proxy tells the request's `UpstreamFailover`. */
export interface AttemptFailure {
  readonly reason: AttemptFailureReason;
  /**
   * Whether the request may have reached the upstream: false only when no connection could be
   * made (refused, unresolvable, connect timeout). A non-idempotent request (POST) that was sent
   * fails over only when the policy allows it (Kong's `non_idempotent`).
   */
  readonly sent: boolean;
  /** The upstream's status and headers, when it answered (`Retry-After` of a 429). */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string | string[]>>;
  /** What went wrong, for the trace. */
  readonly message: string;
}

/**
 * A request's failover policy: set on `ctx.failover` in `access` by a plugin that can send the
 * request to another target (`ai-proxy-advanced`). The proxy asks it after each attempt that
 * failed before anything reached the client; after the first byte a failure ends the answer
 * as without failover (a stream gets its error event). Created per request.
 */
export interface UpstreamFailover {
  /** The target of the attempt now in `ctx.upstream` (`openai/gpt-4o`): the trace, log and metrics name it. */
  readonly target: string;
  /**
   * The attempt in `ctx.upstream` failed. Either prepares the next one (`ctx.upstream` translated
   * and signed for its target from the client's unchanged request, `ctx.responseMode`, the
   * plugin's per-request state for the answer phases) and returns true, or leaves the context
   * as it is and returns false: the failure then becomes the client's answer (the error status
   * passed through, a 502/504, the stream's error event).
   */
  next(ctx: RequestContext, failure: AttemptFailure): boolean | Promise<boolean>;
}
