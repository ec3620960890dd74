/**
 * A token bucket with golang.org/x/time/rate semantics, as Traefik's rateLimit uses it: `Reserve()` one token,
 * and when the reservation's delay exceeds the middleware's maxDelay, `Cancel()` it at once. The cancel
 * restores the token, so the net effect of a refused request is only the refill accounting up to now.
 *
 * Times are milliseconds from a monotonic clock (performance.now()); delays are whole nanoseconds as Go's
 * time.Duration (durationFromTokens truncates).
 */
export interface Limits {
  /** Tokens per second (> 0, finite). */
  limit: number;
  /** Bucket size (>= 1). */
  burst: number;
  /** Longest delay a request may wait for its token, ns; longer means 429. */
  maxDelayNs: number;
}

/** State of one source's bucket (rate.Limiter: tokens at `last`), with the parameters it was last advanced with. */
export interface Bucket {
  tokens: number;
  last: number;
  limit: number;
  burst: number;
}

/** A new limiter starts full (NewLimiter: zero `last`, so the first advance fills it). */
export function newBucket(limits: Limits, now: number): Bucket {
  return { tokens: limits.burst, last: now, limit: limits.limit, burst: limits.burst };
}

/** rate.Limiter.advance: tokens available at `now` (never above burst; time going backwards counts as none). */
function advance(b: Bucket, now: number): number {
  const elapsedSeconds = Math.max(0, now - b.last) / 1000;
  return Math.min(b.burst, b.tokens + elapsedSeconds * b.limit);
}

/**
 * Reserves one token at `now` and returns the delay before it may be used, in ns. When that delay is above
 * `limits.maxDelayNs` the reservation is cancelled (the caller answers 429). A configuration reload that
 * changed the rate or burst applies as SetLimitAt/SetBurstAt: refill at the old rate up to now, then switch.
 */
export function reserve(b: Bucket, limits: Limits, now: number): number {
  if (b.limit !== limits.limit || b.burst !== limits.burst) {
    b.tokens = advance(b, now);
    b.last = Math.max(b.last, now);
    b.limit = limits.limit;
    b.burst = limits.burst;
  }
  const available = advance(b, now);
  const after = available - 1;
  const delayNs = after < 0 ? Math.trunc(1e9 * (-after / b.limit)) : 0;
  b.last = Math.max(b.last, now);
  b.tokens = delayNs > limits.maxDelayNs ? available : after;
  return delayNs;
}

/**
 * Traefik's parameters: rate = average / period (requests per second); maxDelay = 1/(2·⌊rate⌋) — integer
 * duration arithmetic, as in Go — or 500 ms below 1 request per second; burst below 1 counts as 1.
 * `average` <= 0 means no limit (rate.Inf): returns null.
 */
export function limitsFor(average: number, periodNs: number, burst: number): Limits | null {
  if (!(average > 0)) return null;
  const limit = (average * 1e9) / periodNs;
  const maxDelayNs = limit < 1 ? 500_000_000 : Math.trunc(1e9 / (Math.trunc(limit) * 2));
  return { limit, burst: Math.max(1, burst), maxDelayNs };
}

/**
 * How long a bucket must stay unused before dropping it cannot change any answer: tokens never fall below -1
 * (a reservation waits at most maxDelay), so after (burst + 1) / rate seconds the bucket is full again —
 * exactly what a new bucket is. At least one second, so that busy sources are not churned.
 */
export function idleExpiryMs(limits: Limits): number {
  return Math.max(1000, ((limits.burst + 1) / limits.limit) * 1000);
}
