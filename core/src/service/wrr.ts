/**
 * Smooth weighted round robin (nginx's): picks each server in proportion to its weight, interleaved rather
 * than in bursts. O(n) per pick over the servers of one service, which are few.
 */
export function weightedRoundRobin<T>(items: T[], weights: number[]): () => T | undefined {
  const n = items.length;
  if (n === 0) return () => undefined;
  if (n === 1) {
    const only = items[0];
    return weights[0] > 0 ? () => only : () => undefined;
  }
  const current = new Float64Array(n);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return () => undefined;
  return () => {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (weights[i] <= 0) continue;
      current[i] += weights[i];
      if (best === -1 || current[i] > current[best]) best = i;
    }
    current[best] -= total;
    return items[best];
  };
}
