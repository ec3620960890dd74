import { randomBytes } from 'node:crypto';

/**
 * The server side of go-http-auth's digest sessions: every challenge issues a fresh nonce, remembered with the
 * highest nonce-count (`nc`) seen for it, so a replayed or out-of-order `nc` is refused. Bounded as
 * go-http-auth bounds it: past `size + tolerance` nonces, the `2 × tolerance` least recently used are dropped.
 */
export const CLIENT_CACHE_SIZE = 1000;
export const CLIENT_CACHE_TOLERANCE = 100;

interface Client {
  nc: bigint;
  lastSeen: number;
}

/** go-http-auth RandomKey: 12 random bytes, standard base64 (16 characters). */
export function randomKey(): string {
  return randomBytes(12).toString('base64');
}

export type NonceUse = 'ok' | 'unknown' | 'replayed';

export class NonceStore {
  /** Opaque value echoed by clients; fixed for the store's life (go-http-auth: one per authenticator). */
  readonly opaque = randomKey();
  private readonly clients = new Map<string, Client>();
  private clock = 0;

  constructor(
    private readonly size = CLIENT_CACHE_SIZE,
    private readonly tolerance = CLIENT_CACHE_TOLERANCE,
  ) {}

  get count(): number {
    return this.clients.size;
  }

  /** Issues a new nonce for a challenge. */
  issue(): string {
    if (this.clients.size > this.size + this.tolerance) this.purge(this.tolerance * 2);
    const nonce = randomKey();
    this.clients.set(nonce, { nc: 0n, lastSeen: this.tick() });
    return nonce;
  }

  /**
   * Records the use of `nonce` with count `nc`: 'unknown' for a nonce never issued (or purged), 'replayed' when
   * `nc` does not grow past the last one accepted.
   */
  use(nonce: string, nc: bigint): NonceUse {
    const client = this.clients.get(nonce);
    if (client === undefined) return 'unknown';
    if (client.nc !== 0n && client.nc >= nc) return 'replayed';
    client.nc = nc;
    client.lastSeen = this.tick();
    return 'ok';
  }

  /** Drops the `count` least recently used nonces. */
  private purge(count: number): void {
    const entries = [...this.clients].sort((a, b) => a[1].lastSeen - b[1].lastSeen);
    for (const [nonce] of entries.slice(0, count)) this.clients.delete(nonce);
  }

  /** A strictly increasing use counter: orders uses exactly, where timestamps could tie. */
  private tick(): number {
    return ++this.clock;
  }
}

/** strconv.ParseUint(nc, 16, 64): hex digits only, no prefix, at most 64 bits; null when invalid. */
export function parseNonceCount(nc: string | undefined): bigint | null {
  if (nc === undefined || nc === '' || !/^[0-9a-fA-F]+$/.test(nc)) return null;
  const value = BigInt(`0x${nc}`);
  return value >= 1n << 64n ? null : value;
}
