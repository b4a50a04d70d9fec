/** The circuit breaker's settings (Kong's `max_fails`, `fail_timeout`). */
export interface CircuitBreakerSettings {
  /** Failures within `failTimeoutMs` that take a target out; 0 turns the breaker off. */
  readonly maxFails: number;
  /** The window failures are counted in, and how long a tripped target stays out, in milliseconds. */
  readonly failTimeoutMs: number;
}

/**
 * What this node knows of one target's health: its circuit breaker and how long it asked to be
 * left alone (`Retry-After`). `max_fails` failures within `fail_timeout` open the breaker for
 * `fail_timeout`; then the target is half-open: the next attempt on it probes it, a success
 * closes the breaker and a failure opens it again at once. Times are the clock's milliseconds.
 */
export class TargetHealth {
  private fails = 0;
  private windowStart = 0;
  private openUntil = 0;
  /** Opened and not yet closed by a success: one failure after `openUntil` reopens it. */
  private tripped = false;
  private busyUntil = 0;

  constructor(private readonly settings: CircuitBreakerSettings) {}

  /** Whether an attempt may go to the target at `now`: its breaker closed or half-open, and not busy. */
  available(now: number): boolean {
    return now >= this.openUntil && now >= this.busyUntil;
  }

  /** Whether the breaker is open at `now` (the target is out). */
  isOpen(now: number): boolean {
    return now < this.openUntil;
  }

  /** The target answered: its breaker closes. */
  succeeded(): void {
    this.fails = 0;
    this.tripped = false;
    this.openUntil = 0;
  }

  /** An attempt on the target failed in a way the failover criteria count, at `now`. */
  failed(now: number): void {
    const { maxFails, failTimeoutMs } = this.settings;
    if (maxFails === 0) return;
    if (this.tripped) return this.open(now);
    if (now - this.windowStart > failTimeoutMs) {
      this.windowStart = now;
      this.fails = 0;
    }
    this.fails += 1;
    if (this.fails >= maxFails) this.open(now);
  }

  /** The target asked to be left alone for `ms` milliseconds from `now` (a 429's `Retry-After`). */
  busyFor(ms: number, now: number): void {
    this.busyUntil = Math.max(this.busyUntil, now + ms);
  }

  private open(now: number): void {
    this.tripped = true;
    this.fails = 0;
    this.openUntil = now + this.settings.failTimeoutMs;
  }
}
