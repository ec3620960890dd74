import { rootCertificates } from 'node:tls';
import { Pool, type Dispatcher } from 'undici';

/** Where one load-balancer server sends requests: its origin, Host value, path prefix and connection pool. */
export interface UpstreamTarget {
  /** Server URL as configured (for logs and the API). */
  url: string;
  /** `http://host:port` */
  origin: string;
  /** `host:port` as the Host header when passHostHeader is false (default ports omitted, as Go does). */
  host: string;
  /** Path of the server URL, prepended when preservePath is set; '' otherwise. */
  pathPrefix: string;
  dispatcher: Dispatcher;
}

export interface TransportOptions {
  /** Connect timeout, ms (serversTransport.forwardingTimeouts.dialTimeout, Traefik default 30s). */
  dialTimeoutMs: number;
  /** Time to wait for response headers, ms; 0 = no limit (Traefik's default). */
  responseHeaderTimeoutMs: number;
  /** Idle keep-alive connection lifetime, ms (idleConnTimeout, default 90s). */
  idleConnTimeoutMs: number;
  /** Skip TLS verification to https upstreams. */
  insecureSkipVerify: boolean;
  /** Extra CA certificates (PEM) trusted for https upstreams, on top of Node's bundled roots. */
  ca?: string[];
}

export const DEFAULT_TRANSPORT: TransportOptions = {
  dialTimeoutMs: 30_000,
  responseHeaderTimeoutMs: 0,
  idleConnTimeoutMs: 90_000,
  insecureSkipVerify: false,
};

/**
 * Connection pools shared across configuration generations: a reload that keeps a server keeps its warm
 * connections. Pools unused by the current generation are closed once the previous generation is retired.
 */
export class PoolCache {
  private pools = new Map<string, Pool>();
  private inUse = new Set<string>();

  /** Starts collecting the pools the generation being built uses. */
  beginGeneration(): void {
    this.inUse = new Set();
  }

  get(origin: string, transport: TransportOptions): Dispatcher {
    const key = `${origin}|${transport.dialTimeoutMs}|${transport.responseHeaderTimeoutMs}|${transport.idleConnTimeoutMs}|${transport.insecureSkipVerify}|${transport.ca?.length ?? 0}`;
    this.inUse.add(key);
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connect: {
          timeout: transport.dialTimeoutMs,
          rejectUnauthorized: !transport.insecureSkipVerify,
          // Setting `ca` replaces Node's roots, so they are kept alongside the configured ones.
          ...(transport.ca?.length ? { ca: [...rootCertificates, ...transport.ca] } : {}),
        },
        headersTimeout: transport.responseHeaderTimeoutMs,
        bodyTimeout: 0,
        keepAliveTimeout: Math.min(transport.idleConnTimeoutMs, 4_000),
        keepAliveMaxTimeout: transport.idleConnTimeoutMs,
        pipelining: 1,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Closes pools the current generation does not use (after the old generation drained). */
  async retireUnused(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, pool] of this.pools) {
      if (this.inUse.has(key)) continue;
      this.pools.delete(key);
      closing.push(pool.close().catch(() => undefined));
    }
    await Promise.all(closing);
  }

  async closeAll(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.destroy().catch(() => undefined)));
  }
}

/** Parses a server URL into a target; throws with a user-facing message when it is not usable. */
export function parseServerUrl(url: string, preservePath: boolean, dispatcherFor: (origin: string) => Dispatcher): UpstreamTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`invalid server URL ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`server URL ${JSON.stringify(url)}: scheme ${u.protocol.slice(0, -1)} is not supported (use http or https; h2c comes with HTTP/2 support)`);
  }
  if (u.hostname === '') throw new Error(`server URL ${JSON.stringify(url)} has no host`);
  const origin = `${u.protocol}//${u.host}`;
  let pathPrefix = '';
  if (preservePath && u.pathname !== '/' && u.pathname !== '') pathPrefix = u.pathname.replace(/\/$/, '');
  return { url, origin, host: u.host, pathPrefix, dispatcher: dispatcherFor(origin) };
}
