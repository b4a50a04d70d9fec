import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './reconnect-backoff.js';

describe('reconnectDelayMs', () => {
  const bounds = { baseMs: 100, maxMs: 2_000 };

  it('doubles per failed attempt, between half and all of the ceiling', () => {
    expect([0, 1, 2, 3].map((attempt) => reconnectDelayMs(attempt, bounds, () => 0))).toEqual([
      50, 100, 200, 400,
    ]);
    expect([0, 1, 2, 3].map((attempt) => reconnectDelayMs(attempt, bounds, () => 1))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(reconnectDelayMs(5, bounds, () => 1)).toBe(2_000);
    expect(reconnectDelayMs(10_000, bounds, () => 1)).toBe(2_000);
    expect(reconnectDelayMs(10_000, bounds, () => 0)).toBe(1_000);
  });
});
