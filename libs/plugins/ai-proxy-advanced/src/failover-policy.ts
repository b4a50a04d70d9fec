import type { AttemptFailure, AttemptFailureReason } from '@switchyard/plugin-api';
import type { FailoverCriterion } from './ai-proxy-advanced.config.js';

/** Methods nginx (and so Kong) calls non-idempotent: not retried once sent, without `non_idempotent`. */
const NON_IDEMPOTENT = new Set(['POST', 'PATCH', 'LOCK']);

/** The criterion an attempt failure falls under: a stream the provider failed before its first byte is an `error`. */
export function criterionOf(reason: AttemptFailureReason): FailoverCriterion {
  return reason === 'stream_error' ? 'error' : reason;
}

/**
 * Kong's `failover_criteria` and `retries` (nginx's `proxy_next_upstream` rules): a failure moves
 * the request to the next target when it is one of the criteria, the request may be sent again
 * (a non-idempotent one that was sent only with `non_idempotent`), and retries are left.
 */
export class FailoverPolicy {
  private readonly criteria: ReadonlySet<FailoverCriterion>;

  constructor(
    criteria: readonly FailoverCriterion[],
    private readonly retries: number,
  ) {
    this.criteria = new Set(criteria);
  }

  /** Whether the failure counts against its target (the circuit breaker's failures). */
  counts(reason: AttemptFailureReason): boolean {
    return this.criteria.has(criterionOf(reason));
  }

  /** Whether a request of `method` that failed over `failovers` times moves on after `failure`. */
  failsOver(failure: AttemptFailure, method: string, failovers: number): boolean {
    if (failovers >= this.retries || !this.counts(failure.reason)) return false;
    return !failure.sent || !NON_IDEMPOTENT.has(method) || this.criteria.has('non_idempotent');
  }
}
