import { newBucket, type Bucket, type Limits } from './token-bucket.js';

/** Traefik's cap on tracked sources per rateLimit middleware (maxSources). */
export const MAX_SOURCES = 65536;

/**
 * The buckets of one rateLimit element, keyed by source. It lives in the element's reload-surviving state, so
 * a configuration reload does not hand every client a fresh burst.
 *
 * Memory stays bounded two ways, with O(1) work per request and no timer: the Map is kept in least-recently
 * used order (a hit moves its key to the end), so expired buckets gather at the front and each call drops a
 * few of them; and past MAX_SOURCES the least recently used source is evicted (Traefik's ttlmap does the same
 * when full). A bucket is only dropped once idle long enough to be full again (idleExpiryMs), so dropping it
 * never changes an answer — unlike Traefik's 1–2 s TTL, which can refill a drained bucket early.
 */
export class BucketStore {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly maxSources = MAX_SOURCES) {}

  /** The bucket for `source` at `now` (ms), created full when absent or idle for more than `idleMs`. */
  get(source: string, limits: Limits, now: number, idleMs: number): Bucket {
    this.sweep(now, idleMs);
    let b = this.buckets.get(source);
    if (b !== undefined) {
      this.buckets.delete(source);
      if (now - b.last > idleMs) b = undefined;
    } else if (this.buckets.size >= this.maxSources) {
      this.buckets.delete(this.buckets.keys().next().value as string);
    }
    b ??= newBucket(limits, now);
    this.buckets.set(source, b);
    return b;
  }

  /** Drops up to two expired buckets from the least recently used end. */
  private sweep(now: number, idleMs: number): void {
    for (let i = 0; i < 2; i++) {
      const oldest = this.buckets.entries().next().value as [string, Bucket] | undefined;
      if (oldest === undefined || now - oldest[1].last <= idleMs) return;
      this.buckets.delete(oldest[0]);
    }
  }

  get size(): number {
    return this.buckets.size;
  }

  has(source: string): boolean {
    return this.buckets.has(source);
  }
}
