/**
 * Traefik's retry backoff: cenkalti/backoff v4's ExponentialBackOff with the initial interval configured,
 * randomization ±50%, and a multiplier of 2^(1/(attempts-1)) so the interval reaches twice the initial one at
 * the last retry; intervals are capped at 60s and retrying stops once 15 minutes have elapsed. Without an
 * initial interval (or with fewer than 2 attempts) retries are immediate (ZeroBackOff).
 *
 * Works in whole nanoseconds like time.Duration; `random` and `now` (ms) are injectable for tests.
 */
const RANDOMIZATION = 0.5;
const MAX_INTERVAL_NS = 60e9;
const MAX_ELAPSED_NS = 15 * 60e9;

/** Returns the next wait in ms, or null when the backoff gives up. */
export type Backoff = () => number | null;

export function exponentialBackoff(
  initialIntervalMs: number,
  attempts: number,
  random: () => number = Math.random,
  now: () => number = () => performance.now(),
): Backoff {
  if (attempts < 2 || initialIntervalMs <= 0) return () => 0;
  const multiplier = 2 ** (1 / (attempts - 1));
  const startedAt = now();
  let currentNs = Math.round(initialIntervalMs * 1e6);
  return () => {
    const elapsedNs = (now() - startedAt) * 1e6;
    const delta = RANDOMIZATION * currentNs;
    const min = currentNs - delta;
    const max = currentNs + delta;
    const nextNs = Math.trunc(min + random() * (max - min + 1));
    currentNs = currentNs >= MAX_INTERVAL_NS / multiplier ? MAX_INTERVAL_NS : Math.trunc(currentNs * multiplier);
    if (elapsedNs + nextNs > MAX_ELAPSED_NS) return null;
    return nextNs / 1e6;
  };
}
