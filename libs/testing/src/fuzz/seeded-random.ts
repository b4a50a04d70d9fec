/**
 * A small deterministic random source (mulberry32) for fuzz tests: the same seed gives the
 * same sequence, so a failing run is replayed by its seed.
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, max). */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/**
 * The seed of a fuzz test: `process.env[variable]` when set (to replay a run), else a fresh one.
 * Printed, so that a failing run can be replayed.
 */
export function fuzzSeed(variable: string): number {
  const given = process.env[variable];
  const seed = given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed)) throw new Error(`${variable} must be an integer, got '${given}'`);
  console.log(`fuzz seed ${seed} (replay with ${variable}=${seed})`);
  return seed;
}
