/**
 * circuitBreaker cases with `circuitState: "open"`: the runner opens the breaker the way production does, by
 * making the backend fail as the case's expression measures it, then lets the backend recover and sends the
 * case's request. The breaker is open once a request is answered with its responseCode without reaching the
 * backend; the fallback duration (10 s by default) keeps it open for the case's request.
 */
import type { WireResponse } from './raw-http.js';
import type { UpstreamAnswer } from './upstreams.js';

export type TripPlan = { ok: true; failing: UpstreamAnswer } | { ok: false; reason: string };

/**
 * How the backend must fail for `expression` to hold: network errors (dropped connections) for
 * NetworkErrorRatio(), the lower bound of the counted range for ResponseCodeRatio(from, to, ...).
 */
export function tripPlan(config: Record<string, unknown>): TripPlan {
  const expression = typeof config.expression === 'string' ? config.expression : '';
  const functions = [...expression.matchAll(/([A-Za-z]+)\(/g)].map((m) => m[1]);
  if (functions.length === 0) return { ok: false, reason: `no breaker expression to trip in ${JSON.stringify(expression)}` };
  if (functions.every((f) => f === 'NetworkErrorRatio')) return { ok: true, failing: { destroy: true } };
  const ratio = /ResponseCodeRatio\(\s*(\d+)/.exec(expression);
  if (ratio !== null && functions.every((f) => f === 'ResponseCodeRatio')) return { ok: true, failing: { status: Number(ratio[1]), body: 'failing\n' } };
  return { ok: false, reason: `cannot trip ${JSON.stringify(expression)} deterministically (only NetworkErrorRatio()/ResponseCodeRatio() alone)` };
}

export interface TripOptions {
  /** Sends one request through the breaker. */
  send: () => Promise<WireResponse>;
  /** Requests the backend received so far. */
  hits: () => number;
  /** The breaker's answer while open (responseCode, default 503). */
  openStatus: number;
  timeoutMs?: number;
  intervalMs?: number;
}

/** Sends failing traffic until the breaker answers by itself; undefined once open, else why it did not open. */
export async function tripBreaker(options: TripOptions): Promise<string | undefined> {
  const { timeoutMs = 5000, intervalMs = 10 } = options;
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<number, number>();
  let sent = 0;
  while (Date.now() < deadline) {
    const before = options.hits();
    const res = await options.send();
    sent++;
    seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
    if (res.status === options.openStatus && options.hits() === before) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const statuses = [...seen].map(([s, n]) => `${n}× ${s}`).join(', ');
  return `the breaker did not open after ${sent} failing requests in ${timeoutMs} ms (statuses: ${statuses})`;
}
