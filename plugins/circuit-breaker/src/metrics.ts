import type { MetricsView } from './expression.js';
import { LatencyHistogram } from './latency-histogram.js';
import { RollingCounter, type Clock } from './rolling-counter.js';

/**
 * oxy's memmetrics.RTMetrics as the circuit breaker uses it: per response, the status and the round-trip
 * latency, over rolling windows (counters: 10 s; latency histogram: about 60 s). A "network error" is a 502
 * or a 504 answer — what the proxy gives when it could not get a response from the server.
 */
export class RoundTripMetrics implements MetricsView {
  private readonly total: RollingCounter;
  private readonly netErrors: RollingCounter;
  private statusCodes = new Map<number, RollingCounter>();
  private readonly latency: LatencyHistogram;

  constructor(private readonly clock: Clock) {
    this.total = new RollingCounter(clock);
    this.netErrors = new RollingCounter(clock);
    this.latency = new LatencyHistogram(clock);
  }

  record(status: number, latencyMs: number): void {
    this.total.inc();
    if (status === 502 || status === 504) this.netErrors.inc();
    let c = this.statusCodes.get(status);
    if (c === undefined) {
      c = new RollingCounter(this.clock);
      this.statusCodes.set(status, c);
    }
    c.inc();
    this.latency.record(latencyMs * 1000);
  }

  totalCount(): number {
    return this.total.count();
  }

  networkErrorRatio(): number {
    const total = this.total.count();
    return total === 0 ? 0 : this.netErrors.count() / total;
  }

  /** count(from ≤ code < to) / count(dividedByFrom ≤ code < dividedByTo); 0 when the divisor is 0. */
  responseCodeRatio(from: number, to: number, dividedByFrom: number, dividedByTo: number): number {
    let a = 0;
    let b = 0;
    for (const [code, counter] of this.statusCodes) {
      const n = counter.count();
      if (code >= from && code < to) a += n;
      if (code >= dividedByFrom && code < dividedByTo) b += n;
    }
    return b === 0 ? 0 : a / b;
  }

  latencyAtQuantileMS(quantile: number): number {
    return Math.trunc(this.latency.valueAtQuantile(quantile) / 1000);
  }

  reset(): void {
    this.total.reset();
    this.netErrors.reset();
    this.statusCodes = new Map();
    this.latency.reset();
  }
}
