import type { Predicate } from './expression.js';
import { RoundTripMetrics } from './metrics.js';
import type { Clock } from './rolling-counter.js';

/**
 * oxy's cbreaker state machine, one instance per router (Traefik: "each router gets its own instance").
 *
 * - standby: every request goes through and is measured; at most every checkPeriod (checked after a
 *   response) the expression is evaluated, and when it holds the breaker trips and the metrics are reset.
 * - tripped: every request gets the fallback until fallbackDuration has passed, then recovering.
 * - recovering: a growing share of requests goes through — the allowed ratio rises linearly from 0 to 0.5
 *   over recoveryDuration (allowed/(allowed+denied) kept under it) — and standby is back at its end. If the
 *   expression holds again meanwhile, the breaker trips again.
 */
export type BreakerState = 'standby' | 'tripped' | 'recovering';

export interface BreakerOptions {
  condition: Predicate;
  checkPeriodMs: number;
  fallbackDurationMs: number;
  recoveryDurationMs: number;
  /** Milliseconds, monotonic. */
  clock?: Clock;
}

export class Breaker {
  readonly metrics: RoundTripMetrics;
  private stateValue: BreakerState = 'standby';
  private until = 0;
  private lastCheck = Number.NEGATIVE_INFINITY;
  private readonly clock: Clock;
  private recoveryStart = 0;
  private allowed = 0;
  private denied = 0;

  constructor(private readonly opts: BreakerOptions) {
    this.clock = opts.clock ?? (() => performance.now());
    this.metrics = new RoundTripMetrics(this.clock);
  }

  get state(): BreakerState {
    return this.stateValue;
  }

  /** True when this request must get the fallback instead of going through (oxy's activateFallback). */
  shouldFallback(): boolean {
    if (this.stateValue === 'standby') return false;
    const now = this.clock();
    if (this.stateValue === 'tripped') {
      if (now < this.until) return true;
      this.setRecovering(now);
    }
    // recovering
    if (now > this.until) {
      this.stateValue = 'standby';
      return false;
    }
    return !this.allowRequest(now);
  }

  /** Records what the service answered, then checks the condition if a check period has passed. */
  record(status: number, latencyMs: number): void {
    this.metrics.record(status, latencyMs);
    this.checkAndSet();
  }

  private checkAndSet(): void {
    const now = this.clock();
    if (!(now > this.lastCheck)) return;
    this.lastCheck = now + this.opts.checkPeriodMs;
    if (this.stateValue === 'tripped') return;
    if (!this.opts.condition(this.metrics)) return;
    this.stateValue = 'tripped';
    this.until = now + this.opts.fallbackDurationMs;
    this.metrics.reset();
  }

  private setRecovering(now: number): void {
    this.stateValue = 'recovering';
    this.until = now + this.opts.recoveryDurationMs;
    this.recoveryStart = now;
    this.allowed = 0;
    this.denied = 0;
  }

  /** oxy's ratioController: would letting this request keep allowed/(allowed+denied) under the target? */
  private allowRequest(now: number): boolean {
    const duration = this.opts.recoveryDurationMs;
    const target = duration <= 0 ? 1 : (0.5 * (now - this.recoveryStart)) / duration;
    const ratio = (this.allowed + 1) / (this.allowed + 1 + this.denied);
    if (ratio < target) {
      this.allowed++;
      return true;
    }
    this.denied++;
    return false;
  }
}
