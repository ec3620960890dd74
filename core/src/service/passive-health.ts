import type { PassiveHealthCheckConfig } from '../config/dynamic/schema.js';
import { parseDuration } from '../config/duration.js';

/** Traefik's defaults for passiveHealthCheck. */
export const DEFAULT_FAILURE_WINDOW_MS = 10_000;
export const DEFAULT_MAX_FAILED_ATTEMPTS = 1;

/**
 * Traefik v3.4's passive health check, per server: a request that failed (no response from the server, or a
 * 5xx) is recorded; `maxFailedAttempts` failures within `failureWindow`, with no success in between, take the
 * server out of the rotation. It comes back after `failureWindow` — unless an active health check is also
 * configured, which then decides when it returns (as in Traefik).
 *
 * Failure times live in one small array per server, allocated on the first failure only: a healthy server
 * costs one property write per request.
 */
export class PassiveHealth {
  readonly windowMs: number;
  readonly maxFailed: number;
  private readonly failures: (number[] | null)[];
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private closed = false;

  constructor(
    cfg: PassiveHealthCheckConfig,
    servers: number,
    /** Takes a server out (true) or puts it back (false). */
    private readonly setDown: (index: number, down: boolean) => void,
    /** True when an active health check brings ejected servers back. */
    private readonly activeDecidesReturn: boolean,
    private readonly now: () => number = Date.now,
  ) {
    const w = cfg.failureWindow === undefined ? DEFAULT_FAILURE_WINDOW_MS : parseDuration(cfg.failureWindow);
    this.windowMs = w > 0 ? w : DEFAULT_FAILURE_WINDOW_MS;
    this.maxFailed = cfg.maxFailedAttempts ?? DEFAULT_MAX_FAILED_ATTEMPTS;
    this.failures = new Array(servers).fill(null);
  }

  /** A request got a non-5xx answer from the server: consecutive failures start over. */
  success(index: number): void {
    if (this.failures[index] !== null) this.failures[index] = null;
  }

  /** A request to the server failed. */
  failure(index: number): void {
    if (this.closed) return;
    const t = this.now();
    const list = (this.failures[index] ??= []);
    list.push(t);
    const windowStart = t - this.windowMs;
    let drop = 0;
    while (drop < list.length && list[drop] <= windowStart) drop++;
    if (drop > 0) list.splice(0, drop);
    if (list.length < this.maxFailed || this.timers.has(index)) return;
    this.failures[index] = null;
    this.setDown(index, true);
    if (this.activeDecidesReturn) {
      // The passive verdict is folded into the active one: the next successful active check clears it.
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(index);
      if (!this.closed) this.setDown(index, false);
    }, this.windowMs);
    timer.unref();
    this.timers.set(index, timer);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
