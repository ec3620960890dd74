/**
 * Smooth weighted round robin (nginx's): picks each candidate in proportion to its weight, interleaved rather
 * than in bursts, over the candidates usable right now — a server taken out by a health check or a child
 * service that is down is skipped and its share goes to the others; when it returns it rejoins at once.
 * Deterministic, so a split over a multiple of the total weight is exact. O(n) per pick over the few
 * candidates of one service, no allocation. Returns the index picked, or -1 when none is usable.
 *
 * Shared by the load balancer's servers and the weighted service's children.
 */
export function smoothWeightedPicker(n: number, weight: (i: number) => number, usable: (i: number) => boolean): () => number {
  const current = new Float64Array(n);
  return () => {
    let best = -1;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weight(i);
      if (w <= 0 || !usable(i)) continue;
      current[i] += w;
      total += w;
      if (best === -1 || current[i] > current[best]) best = i;
    }
    if (best !== -1) current[best] -= total;
    return best;
  };
}
