import { createSelection, type BalancerAlgorithm, type PickRequest, type TargetLoad } from './selection.js';
import { TargetHealth, type CircuitBreakerSettings } from './target-health.js';

/** How long a latency measurement takes to fade, in milliseconds (the peak-EWMA decay time). */
export const LATENCY_DECAY_MS = 10_000;

/** What a balancer is built from: the targets' weights, the algorithm, the circuit breaker. */
export interface BalancerSettings extends CircuitBreakerSettings {
  readonly algorithm: BalancerAlgorithm;
  /** Each target's `weight`, by target index. */
  readonly weights: readonly number[];
}

/** What a finished attempt measured, for the latency- and usage-based algorithms. */
export interface AttemptSample {
  /** Its latency by `latency_strategy` (milliseconds per completion token, or for the whole answer). */
  readonly latency: number;
  /** Its usage by `tokens_count_strategy` (tokens, or cost), when the answer reported it. */
  readonly usage?: number;
}

/** How an attempt that failed weighs on its target. */
export interface AttemptVerdict {
  /** Whether it counts for the circuit breaker (its failure is one of `failover_criteria`). */
  readonly counted: boolean;
  /** How long the target asked to be left alone (`Retry-After`), in milliseconds. */
  readonly busyMs?: number;
}

/**
 * One `ai-proxy-advanced` config's balancer on this node: its algorithm's state, each target's
 * load (attempts in flight, latency, usage) and health (circuit breaker, `Retry-After`). All of
 * it is this process's: a node knows nothing of the others' picks, latencies or failures.
 * `pick` never returns a target the request tried, nor one that is out (tripped or busy) while
 * another is not. Every picked attempt ends in `succeeded`, `failed` or `released`.
 */
export class Balancer implements TargetLoad {
  readonly inFlight: number[];
  readonly usage: number[];
  private readonly latency: number[];
  private readonly measuredAt: number[];
  private readonly health: TargetHealth[];
  private readonly selection;

  constructor(
    settings: BalancerSettings,
    /** The clock, in epoch milliseconds (a test's own). */
    private readonly now: () => number = Date.now,
  ) {
    const { weights } = settings;
    this.inFlight = weights.map(() => 0);
    this.usage = weights.map(() => 0);
    this.latency = weights.map(() => 0);
    this.measuredAt = weights.map(() => 0);
    this.health = weights.map(() => new TargetHealth(settings));
    this.selection = createSelection(settings.algorithm, weights, this);
  }

  /** The next target for a request that tried `tried`, counted in flight; undefined when every target was tried. */
  pick(tried: ReadonlySet<number>, request: PickRequest = {}): number | undefined {
    const now = this.now();
    const untried: number[] = [];
    const available: number[] = [];
    for (let index = 0; index < this.inFlight.length; index += 1) {
      if (tried.has(index)) continue;
      untried.push(index);
      if (this.health[index]!.available(now)) available.push(index);
    }
    if (untried.length === 0) return undefined;
    // Every target out: better one of them than no answer at all.
    const index = this.selection.choose(available.length > 0 ? available : untried, request, now);
    this.inFlight[index]! += 1;
    return index;
  }

  /** The attempt on `index` answered the client. */
  succeeded(index: number, sample: AttemptSample): void {
    this.released(index);
    this.health[index]!.succeeded();
    this.measure(index, sample.latency);
    if (sample.usage !== undefined) this.usage[index]! += sample.usage;
  }

  /** The attempt on `index` failed. */
  failed(index: number, verdict: AttemptVerdict): void {
    this.released(index);
    const now = this.now();
    if (verdict.counted) this.health[index]!.failed(now);
    if (verdict.busyMs !== undefined) this.health[index]!.busyFor(verdict.busyMs, now);
  }

  /** The attempt on `index` ended without a verdict (the client went away, a 4xx the criteria ignore). */
  released(index: number): void {
    if (this.inFlight[index]! > 0) this.inFlight[index]! -= 1;
  }

  /** Whether the circuit breaker keeps `index` out now. */
  isOpen(index: number): boolean {
    return this.health[index]!.isOpen(this.now());
  }

  /**
   * The latency cost of `index` at `now`: a peak EWMA of its measurements (a slower answer
   * counts at once, faster ones pull it down gradually), fading with the time since the last
   * one, so that a target left alone for being slow is tried again.
   */
  latencyCost(index: number, now: number): number {
    return this.latency[index]! * Math.exp(-(now - this.measuredAt[index]!) / LATENCY_DECAY_MS);
  }

  private measure(index: number, latency: number): void {
    const now = this.now();
    const current = this.latencyCost(index, now);
    const keep = Math.exp(-(now - this.measuredAt[index]!) / LATENCY_DECAY_MS);
    this.latency[index] = latency > current ? latency : current * keep + latency * (1 - keep);
    this.measuredAt[index] = now;
  }
}
