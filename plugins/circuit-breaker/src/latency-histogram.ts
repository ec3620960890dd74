import type { Clock } from './rolling-counter.js';

/**
 * oxy's RollingHDRHistogram for round-trip latencies: 6 histograms rotated every 10 s (about a minute of
 * history), values in microseconds with 2 significant figures. A value is stored by its HDR bucket (exact
 * below 256 µs, then 128 sub-buckets per power of two), and a quantile answers the bucket's highest
 * equivalent value, as hdrhistogram-go's ValueAtQuantile does.
 */
const SUB_BUCKET_BITS = 7;

/** Lowest value of the HDR bucket holding `v` (2 significant figures). */
function bucketLow(v: number): number {
  if (v < 256) return v;
  const shift = Math.floor(Math.log2(v)) - SUB_BUCKET_BITS;
  const unit = 2 ** shift;
  return Math.floor(v / unit) * unit;
}

function bucketHigh(low: number): number {
  if (low < 256) return low;
  const shift = Math.floor(Math.log2(low)) - SUB_BUCKET_BITS;
  return low + 2 ** shift - 1;
}

export class LatencyHistogram {
  private readonly buckets: Map<number, number>[];
  private idx = 0;
  private lastRoll: number;

  constructor(
    private readonly clock: Clock,
    count = 6,
    private readonly periodMs = 10_000,
  ) {
    this.buckets = Array.from({ length: count }, () => new Map<number, number>());
    // Go's zero time: the first record rotates once, as in oxy.
    this.lastRoll = Number.NEGATIVE_INFINITY;
  }

  /** Records one latency in microseconds (1 µs to 1 h, as oxy's bounds). */
  record(us: number): void {
    const now = this.clock();
    if (now - this.lastRoll >= this.periodMs) {
      this.idx = (this.idx + 1) % this.buckets.length;
      this.buckets[this.idx].clear();
      this.lastRoll = now;
    }
    const v = Math.min(Math.max(Math.floor(us), 1), 3_600_000_000);
    const key = bucketLow(v);
    const b = this.buckets[this.idx];
    b.set(key, (b.get(key) ?? 0) + 1);
  }

  /** Value (µs) at a quantile given as a percentile 0–100, over every sub-histogram; 0 when empty. */
  valueAtQuantile(q: number): number {
    const merged = new Map<number, number>();
    let total = 0;
    for (const b of this.buckets) {
      for (const [k, c] of b) {
        merged.set(k, (merged.get(k) ?? 0) + c);
        total += c;
      }
    }
    const target = Math.floor((Math.min(q, 100) / 100) * total + 0.5);
    if (target <= 0) return 0;
    const keys = [...merged.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const k of keys) {
      seen += merged.get(k)!;
      if (seen >= target) return bucketHigh(k);
    }
    return 0;
  }

  reset(): void {
    this.idx = 0;
    this.lastRoll = this.clock();
    for (const b of this.buckets) b.clear();
  }
}
