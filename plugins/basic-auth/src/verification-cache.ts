import { createHmac, randomBytes } from 'node:crypto';

/**
 * Remembers which (user, password, hash) triples verified, so a client that sends the same credentials on
 * every request pays the slow hash once, not per request — bcrypt costs ~75 ms of pure-JS CPU at cost 10 and
 * MD5-crypt ~0.4 ms. Traefik verifies every time (in Go, where bcrypt is several times cheaper); it only merges
 * concurrent identical checks (singleflight), which `inflight` does here too.
 *
 * Only successes are cached: a wrong password always pays the full hash, so guessing stays as slow as the
 * hash makes it, and a flood of bad credentials cannot push good ones out faster than the LRU bound. Entries
 * are keyed by an HMAC with a per-instance random key (no plaintext password is kept, and the keys cannot
 * be precomputed); the cache belongs to one built middleware, so a configuration change (new hash, removed
 * user) starts from an empty cache.
 */
export class VerificationCache {
  private readonly secret = randomBytes(32);
  private readonly verified = new Map<string, true>();
  private readonly inflight = new Map<string, Promise<boolean>>();

  constructor(private readonly capacity = 1024) {}

  /** Unambiguous key: lengths delimit the parts (no user/password boundary shifting, GHSA-6765-c87h-8mrf). */
  keyOf(user: string, password: Uint8Array, hash: string): string {
    return createHmac('sha256', this.secret)
      .update(`${hash.length}:${hash}${Buffer.byteLength(user)}:${user}`)
      .update(password)
      .digest('base64');
  }

  /** True when the triple verified before (and marks it recently used). */
  hit(key: string): boolean {
    if (!this.verified.has(key)) return false;
    this.verified.delete(key);
    this.verified.set(key, true);
    return true;
  }

  remember(key: string): void {
    this.verified.set(key, true);
    if (this.verified.size > this.capacity) this.verified.delete(this.verified.keys().next().value as string);
  }

  /** Runs an asynchronous check once per key at a time; concurrent callers share its result. */
  shared(key: string, check: () => Promise<boolean>): Promise<boolean> {
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = check().then(
        (ok) => {
          this.inflight.delete(key);
          if (ok) this.remember(key);
          return ok;
        },
        (err: unknown) => {
          this.inflight.delete(key);
          throw err;
        },
      );
      this.inflight.set(key, pending);
    }
    return pending;
  }

  get size(): number {
    return this.verified.size;
  }
}
