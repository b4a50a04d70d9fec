import { describe, expect, it } from 'vitest';
import { Balancer, type BalancerSettings } from './balancer.js';
import { retryAfterMs } from './retry-after.js';

const NONE: ReadonlySet<number> = new Set();

function balancer(
  settings: Partial<BalancerSettings> & Pick<BalancerSettings, 'weights'>,
  clock = { now: 0 },
) {
  return new Balancer(
    { algorithm: 'round-robin', maxFails: 0, failTimeoutMs: 10_000, ...settings },
    () => clock.now,
  );
}

/** Picks `count` times, each attempt answered at once; returns how often each target was picked. */
function spread(subject: Balancer, count: number, hashKey?: (n: number) => string): number[] {
  const picks = subject.inFlight.map(() => 0);
  for (let n = 0; n < count; n += 1) {
    const index = subject.pick(NONE, { hashKey: hashKey?.(n) })!;
    picks[index]! += 1;
    subject.succeeded(index, { latency: 1 });
  }
  return picks;
}

describe('balancer: round-robin', () => {
  it('spreads 1,000 requests within 1% of the weights 70/25/5', () => {
    const picks = spread(balancer({ weights: [70, 25, 5] }), 1000);
    expect(picks[0]).toBeGreaterThanOrEqual(690);
    expect(picks[0]).toBeLessThanOrEqual(710);
    expect(picks[1]).toBeGreaterThanOrEqual(240);
    expect(picks[1]).toBeLessThanOrEqual(260);
    expect(picks[2]).toBeGreaterThanOrEqual(40);
    expect(picks[2]).toBeLessThanOrEqual(60);
  });

  it('never picks a target the request already tried, and gives up when all were', () => {
    const subject = balancer({ weights: [1, 1, 1] });
    const tried = new Set<number>();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const index = subject.pick(tried)!;
      expect(tried.has(index)).toBe(false);
      tried.add(index);
    }
    expect(subject.pick(tried)).toBeUndefined();
  });
});

describe('balancer: priority', () => {
  it('sends everything to the highest weight group, round-robin inside it, and falls to the next group only when it is out', () => {
    const subject = balancer({ algorithm: 'priority', weights: [10, 10, 1], maxFails: 1 });
    expect(spread(subject, 100)).toEqual([50, 50, 0]);
    expect(subject.pick(new Set([0, 1]))).toBe(2);
  });
});

describe('balancer: consistent-hashing', () => {
  it('keeps each header value on one target, and spreads different values', () => {
    const subject = balancer({ algorithm: 'consistent-hashing', weights: [1, 1, 1] });
    const first = new Map<string, number>();
    for (let round = 0; round < 3; round += 1) {
      for (let user = 0; user < 60; user += 1) {
        const index = subject.pick(NONE, { hashKey: `user-${user}` })!;
        subject.succeeded(index, { latency: 1 });
        if (round === 0) first.set(`user-${user}`, index);
        else expect(index).toBe(first.get(`user-${user}`));
      }
    }
    const counts = [0, 1, 2].map((index) => [...first.values()].filter((value) => value === index).length);
    for (const count of counts) expect(count).toBeGreaterThan(5);
  });

  it("moves only a failed target's keys to their second choice", () => {
    const subject = balancer({ algorithm: 'consistent-hashing', weights: [1, 1, 1] });
    for (let user = 0; user < 30; user += 1) {
      const key = { hashKey: `user-${user}` };
      const home = subject.pick(NONE, key)!;
      subject.released(home);
      const other = (home + 1) % 3;
      const again = subject.pick(new Set([other]), key)!;
      subject.released(again);
      expect(again).toBe(home);
    }
  });
});

describe('balancer: least-connections', () => {
  it('sends the next request to the target with the fewest attempts in flight', () => {
    const subject = balancer({ algorithm: 'least-connections', weights: [1, 1] });
    const first = subject.pick(NONE)!;
    const second = subject.pick(NONE)!;
    expect(second).not.toBe(first);
    subject.succeeded(second, { latency: 1 });
    expect(subject.pick(NONE)).toBe(second);
  });
});

describe('balancer: lowest-latency', () => {
  it('moves traffic off a target that slows down, and tries it again once its measurement faded', () => {
    const clock = { now: 0 };
    const subject = balancer({ algorithm: 'lowest-latency', weights: [1, 1] }, clock);
    const latencies = [20, 20];
    const serve = (count: number) => {
      const picks = [0, 0];
      for (let n = 0; n < count; n += 1) {
        clock.now += 10;
        const index = subject.pick(NONE)!;
        picks[index]! += 1;
        subject.succeeded(index, { latency: latencies[index]! });
      }
      return picks;
    };
    const even = serve(100);
    expect(Math.abs(even[0]! - even[1]!)).toBeLessThanOrEqual(2);
    latencies[0] = 400;
    const slowed = serve(100);
    expect(slowed[0]).toBeLessThanOrEqual(1);
    expect(slowed[1]).toBeGreaterThanOrEqual(99);
    // A minute later, unused, the slow measurement has faded: the target is probed again.
    clock.now += 60_000;
    latencies[0] = 20;
    expect(serve(20)[0]).toBeGreaterThan(0);
  });
});

describe('balancer: lowest-usage', () => {
  it('sends the next request to the target that used the fewest tokens', () => {
    const subject = balancer({ algorithm: 'lowest-usage', weights: [1, 1] });
    subject.succeeded(subject.pick(NONE)!, { latency: 1, usage: 500 });
    const next = subject.pick(NONE)!;
    subject.succeeded(next, { latency: 1, usage: 10 });
    expect(subject.pick(NONE)).toBe(next);
  });
});

describe('balancer: circuit breaker and Retry-After', () => {
  it('opens after max_fails within fail_timeout, keeps the target out, then closes after a successful probe', () => {
    const clock = { now: 0 };
    const subject = balancer({ weights: [1, 1], maxFails: 3, failTimeoutMs: 10_000 }, clock);
    for (let fail = 0; fail < 3; fail += 1) {
      subject.pick(new Set([1]));
      subject.failed(0, { counted: true });
    }
    expect(subject.isOpen(0)).toBe(true);
    expect(spread(subject, 10)).toEqual([0, 10]);
    clock.now = 10_001;
    expect(subject.isOpen(0)).toBe(false);
    expect(spread(subject, 10)).toEqual([5, 5]);
  });

  it('reopens a half-open target at its first failure', () => {
    const clock = { now: 0 };
    const subject = balancer({ weights: [1, 1], maxFails: 2, failTimeoutMs: 1000 }, clock);
    subject.failed(0, { counted: true });
    subject.failed(0, { counted: true });
    clock.now = 1001;
    subject.failed(0, { counted: true });
    expect(subject.isOpen(0)).toBe(true);
  });

  it('forgets failures older than fail_timeout, and ignores failures the criteria do not count', () => {
    const clock = { now: 0 };
    const subject = balancer({ weights: [1, 1], maxFails: 2, failTimeoutMs: 1000 }, clock);
    subject.failed(0, { counted: true });
    clock.now = 2000;
    subject.failed(0, { counted: true });
    subject.failed(0, { counted: false });
    expect(subject.isOpen(0)).toBe(false);
  });

  it('leaves a target that answered 429 with Retry-After alone that long while another is available', () => {
    const clock = { now: 0 };
    const subject = balancer({ weights: [1, 1] }, clock);
    subject.failed(0, { counted: false, busyMs: retryAfterMs({ 'retry-after': '2' }, clock.now) });
    expect(spread(subject, 6)).toEqual([0, 6]);
    clock.now = 2000;
    expect(spread(subject, 6)).toEqual([3, 3]);
  });

  it('still answers when every target is out', () => {
    const subject = balancer({ weights: [1], maxFails: 1 });
    subject.failed(0, { counted: true });
    expect(subject.pick(NONE)).toBe(0);
  });
});

describe('Retry-After', () => {
  it('reads delay seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': '30' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, now)).toBe(10_000);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': '86400' }, now)).toBe(600_000);
  });
});
