import { createHash } from 'node:crypto';

/** Kong's `balancer.algorithm` values this gateway serves. */
export type BalancerAlgorithm =
  'round-robin' | 'priority' | 'consistent-hashing' | 'least-connections' | 'lowest-latency' | 'lowest-usage';

/** What one pick knows of the request. */
export interface PickRequest {
  /** The value of `hash_on_header`, for consistent hashing. */
  readonly hashKey?: string;
}

/** What a selection reads of the targets' load, kept by the balancer (per node). */
export interface TargetLoad {
  /** Attempts in flight, per target. */
  readonly inFlight: readonly number[];
  /** The latency cost per target at `now` (lowest-latency), 0 before any was measured. */
  latencyCost(index: number, now: number): number;
  /** The usage counted per target (lowest-usage), 0 before any. */
  readonly usage: readonly number[];
}

/**
 * Chooses one of `candidates` (target indexes, never empty). Created per balancer (per plugin
 * config); its state is this node's.
 */
export interface TargetSelection {
  choose(candidates: readonly number[], request: PickRequest, now: number): number;
}

/**
 * Smooth weighted round-robin (nginx's): each pick adds every candidate's weight to its score
 * and takes the highest, which then gives back the candidates' total. Over any run of picks
 * each target gets its share of the weights, evenly spread; a candidate left out (tried,
 * broken) neither gains nor loses.
 */
export class WeightedRoundRobin implements TargetSelection {
  private readonly scores: number[];

  constructor(private readonly weights: readonly number[]) {
    this.scores = weights.map(() => 0);
  }

  choose(candidates: readonly number[]): number {
    let total = 0;
    let best = candidates[0]!;
    for (const index of candidates) {
      const weight = this.weights[index]!;
      total += weight;
      this.scores[index]! += weight;
      if (this.scores[index]! > this.scores[best]!) best = index;
    }
    this.scores[best]! -= total;
    return best;
  }
}

/**
 * Kong's `priority`: targets of the same `weight` form a group, the group of the highest weight
 * takes every request while one of its targets is a candidate, the next group only then;
 * within a group, round-robin.
 */
export class PriorityGroups implements TargetSelection {
  private readonly roundRobin: WeightedRoundRobin;

  constructor(private readonly weights: readonly number[]) {
    // Equal weights inside a group: plain round-robin there.
    this.roundRobin = new WeightedRoundRobin(weights.map(() => 1));
  }

  choose(candidates: readonly number[]): number {
    let top = 0;
    for (const index of candidates) top = Math.max(top, this.weights[index]!);
    return this.roundRobin.choose(candidates.filter((index) => this.weights[index] === top));
  }
}

/**
 * Consistent hashing on `hash_on_header` by weighted rendezvous hashing: each (key, target)
 * pair gets a score from a hash, the highest wins, so a key stays on its target while that
 * target is a candidate and moves to its second-best (only its keys move) when not. A request
 * without the header is balanced round-robin.
 */
export class ConsistentHashing implements TargetSelection {
  private readonly fallback: WeightedRoundRobin;

  constructor(private readonly weights: readonly number[]) {
    this.fallback = new WeightedRoundRobin(weights);
  }

  choose(candidates: readonly number[], request: PickRequest): number {
    const key = request.hashKey;
    if (key === undefined || key === '') return this.fallback.choose(candidates);
    let best = candidates[0]!;
    let bestScore = -Infinity;
    for (const index of candidates) {
      const score = rendezvousScore(key, index, this.weights[index]!);
      if (score > bestScore) {
        bestScore = score;
        best = index;
      }
    }
    return best;
  }
}

/** Weighted rendezvous score: -weight / ln(u), with u in (0, 1) from the hash of key and target. */
function rendezvousScore(key: string, index: number, weight: number): number {
  const digest = createHash('sha1').update(`${index}\u0000${key}`).digest();
  const u = (digest.readUIntBE(0, 6) + 1) / (2 ** 48 + 2);
  return -weight / Math.log(u);
}

/**
 * Picks the candidate with the lowest cost; ties go round the tied candidates in turn, so that
 * equal targets share the load.
 */
abstract class LowestCost implements TargetSelection {
  private turn = 0;

  protected abstract cost(index: number, now: number): number;

  choose(candidates: readonly number[], _request: PickRequest, now: number): number {
    let lowest = Infinity;
    let tied: number[] = [];
    for (const index of candidates) {
      const cost = this.cost(index, now);
      if (cost < lowest) {
        lowest = cost;
        tied = [index];
      } else if (cost === lowest) tied.push(index);
    }
    this.turn += 1;
    return tied[this.turn % tied.length]!;
  }
}

/** Kong's `least-connections`: the fewest attempts in flight for the target's weight. */
export class LeastConnections extends LowestCost {
  constructor(
    private readonly weights: readonly number[],
    private readonly load: TargetLoad,
  ) {
    super();
  }

  protected cost(index: number): number {
    return (this.load.inFlight[index]! + 1) / this.weights[index]!;
  }
}

/** Kong's `lowest-latency`: the lowest measured latency (see `LatencyTracker`); unmeasured targets first. */
export class LowestLatency extends LowestCost {
  constructor(private readonly load: TargetLoad) {
    super();
  }

  protected cost(index: number, now: number): number {
    return this.load.latencyCost(index, now);
  }
}

/** Kong's `lowest-usage`: the least usage (tokens or cost, per `tokens_count_strategy`) for the target's weight. */
export class LowestUsage extends LowestCost {
  constructor(
    private readonly weights: readonly number[],
    private readonly load: TargetLoad,
  ) {
    super();
  }

  protected cost(index: number): number {
    return this.load.usage[index]! / this.weights[index]!;
  }
}

/** The selection of `algorithm` over targets of these weights. */
export function createSelection(
  algorithm: BalancerAlgorithm,
  weights: readonly number[],
  load: TargetLoad,
): TargetSelection {
  switch (algorithm) {
    case 'round-robin':
      return new WeightedRoundRobin(weights);
    case 'priority':
      return new PriorityGroups(weights);
    case 'consistent-hashing':
      return new ConsistentHashing(weights);
    case 'least-connections':
      return new LeastConnections(weights, load);
    case 'lowest-latency':
      return new LowestLatency(load);
    case 'lowest-usage':
      return new LowestUsage(weights, load);
  }
}
