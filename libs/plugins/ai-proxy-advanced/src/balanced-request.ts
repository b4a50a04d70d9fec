import { GatewayError } from '@switchyard/plugin-api';
import type {
  AttemptFailure,
  AttemptFailureReason,
  RequestContext,
  UpstreamFailover,
} from '@switchyard/plugin-api';
import type { AiProxyLogEntry, LlmExchange, LlmTarget } from '@switchyard/llm';
import type { AiProxyAdvancedBalancer } from './ai-proxy-advanced.config.js';
import type { AttemptSample, Balancer } from './balancer/balancer.js';
import { retryAfterMs } from './balancer/retry-after.js';
import type { UpstreamTemplate } from './attempt-upstream.js';
import type { FailoverPolicy } from './failover-policy.js';

/** One of the plugin's targets, compiled once per config. */
export interface BalancedTarget {
  /** `provider/model` (with `#n` when two targets share it): the log, the trace and the metrics name it. */
  readonly name: string;
  readonly target: LlmTarget;
}

/** What every request of one plugin config shares (compiled once per config snapshot). */
export interface BalancedRoute {
  readonly targets: readonly BalancedTarget[];
  readonly balancer: Balancer;
  readonly policy: FailoverPolicy;
  readonly settings: AiProxyAdvancedBalancer;
  /** The clock of `Retry-After` dates, in epoch milliseconds. */
  readonly now: () => number;
}

/** Statuses whose `Retry-After` benches a target. */
const BUSY_STATUSES = new Set([429, 503]);

/** The `ai.proxy` log's `meta.balancer`: where the request went. */
export interface BalancerLogMeta {
  readonly algorithm: string;
  /** The target that answered (or failed last). */
  readonly target: string;
  /** Its index in `config.targets`. */
  readonly target_index: number;
  /** Upstream calls made, the last included. */
  readonly attempts: number;
  /** The attempts that failed over, in order. */
  readonly failovers: readonly { readonly target: string; readonly reason: AttemptFailureReason }[];
}

/**
 * One request's way through the balancer (created in `access`, dropped in `log`): the targets it
 * tried, the exchange of the attempt in flight, and the failover policy the proxy asks
 * (`ctx.failover`). Each attempt starts from the upstream request as the earlier plugins left
 * it and is translated and signed for its own target by the LLM core; the client's request is
 * never changed. Every attempt ends with a verdict for the balancer.
 */
export class BalancedRequest implements UpstreamFailover {
  private readonly tried = new Set<number>();
  private readonly failovers: { target: string; reason: AttemptFailureReason }[] = [];
  private current = -1;
  private settled = true;
  /** The exchange of the attempt in flight, for the answer phases. */
  exchange: LlmExchange | undefined;

  constructor(
    private readonly ctx: RequestContext,
    private readonly route: BalancedRoute,
    private readonly template: UpstreamTemplate,
    private readonly hashKey: string | undefined,
  ) {}

  get target(): string {
    return this.route.targets[this.current]!.name;
  }

  /** The first attempt: a target picked and `ctx.upstream` prepared for it (a promise when its signer is asynchronous). */
  first(): void | Promise<void> {
    const index = this.route.balancer.pick(this.tried, { hashKey: this.hashKey })!;
    try {
      const started = this.start(index);
      if (started) return started.catch((error: unknown) => this.refused(index, error));
    } catch (error) {
      this.refused(index, error);
    }
  }

  async next(ctx: RequestContext, failure: AttemptFailure): Promise<boolean> {
    const { balancer, policy, now } = this.route;
    const busyMs =
      failure.status !== undefined && BUSY_STATUSES.has(failure.status)
        ? retryAfterMs(failure.headers, now())
        : undefined;
    this.settle(() => balancer.failed(this.current, { counted: policy.counts(failure.reason), busyMs }));
    if (!policy.failsOver(failure, ctx.request.method, this.failovers.length)) return false;
    const failed = { target: this.target, reason: failure.reason };
    const before = {
      upstream: ctx.upstream,
      mode: ctx.responseMode,
      exchange: this.exchange,
      index: this.current,
    };
    for (;;) {
      const index = balancer.pick(this.tried, { hashKey: this.hashKey });
      if (index === undefined) break;
      try {
        await this.start(index);
        this.failovers.push(failed);
        return true;
      } catch (error) {
        // A target that cannot take this request (no transformer for its route type, a body its
        // driver cannot translate): the next one may.
        balancer.released(index);
        if (!(error instanceof GatewayError)) throw error;
      }
    }
    ctx.upstream = before.upstream;
    ctx.responseMode = before.mode;
    this.exchange = before.exchange;
    this.current = before.index;
    this.settled = true;
    return false;
  }

  /**
   * The log phase: the last attempt's verdict (unless the proxy already reported its failure),
   * and its `ai.proxy` entry with `meta.balancer`.
   */
  finish(): AiProxyLogEntry | undefined {
    const { ctx } = this;
    const entry = this.exchange?.logEntry(ctx.request.body);
    this.settle(() => this.judgeLastAttempt(entry));
    if (entry?.meta) {
      const meta: BalancerLogMeta = {
        algorithm: this.route.settings.algorithm,
        target: this.target,
        target_index: this.current,
        attempts: this.failovers.length + 1,
        failovers: this.failovers,
      };
      entry.meta.balancer = meta;
    }
    return entry;
  }

  private start(index: number): void | Promise<void> {
    const { ctx } = this;
    this.tried.add(index);
    ctx.upstream = this.template.instance();
    const started = this.route.targets[index]!.target.start(ctx);
    this.current = index;
    this.settled = false;
    if (!(started instanceof Promise)) {
      this.exchange = started;
      return;
    }
    return started.then((exchange) => void (this.exchange = exchange));
  }

  /** The first target refused the request: it is the client's answer (a 400 any target would give). */
  private refused(index: number, error: unknown): never {
    this.route.balancer.released(index);
    this.settled = true;
    throw error;
  }

  private settle(verdict: () => void): void {
    if (this.settled || this.current === -1) return;
    this.settled = true;
    verdict();
  }

  /** The verdict on the attempt that answered the client. */
  private judgeLastAttempt(entry: AiProxyLogEntry | undefined): void {
    const { ctx } = this;
    const { balancer, policy, settings } = this.route;
    const status = ctx.status;
    if (ctx.signal.aborted || status === undefined) return balancer.released(this.current);
    if (status < 400 && ctx.failure === undefined) {
      return balancer.succeeded(this.current, attemptSample(ctx, entry, settings));
    }
    const reason = ctx.failure !== undefined ? 'error' : (`http_${status}` as AttemptFailureReason);
    balancer.failed(this.current, { counted: policy.counts(reason) });
  }
}

/** What the answered attempt measured, by the balancer's strategies. */
function attemptSample(
  ctx: RequestContext,
  entry: AiProxyLogEntry | undefined,
  settings: AiProxyAdvancedBalancer,
): AttemptSample {
  const { upstreamStart, end } = ctx.timings;
  const e2e = upstreamStart !== undefined && end !== undefined ? end - upstreamStart : 0;
  const usage = entry?.usage;
  const completion = usage?.completion_tokens ?? 0;
  const latency = settings.latency_strategy === 'tpot' && completion > 0 ? e2e / completion : e2e;
  if (!usage) return { latency };
  const counted = {
    'total-tokens': usage.total_tokens,
    'prompt-tokens': usage.prompt_tokens,
    'completion-tokens': usage.completion_tokens,
    cost: usage.cost,
  }[settings.tokens_count_strategy];
  return { latency, usage: counted };
}
