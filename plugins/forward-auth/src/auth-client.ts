import { createSecureContext } from 'node:tls';
import { Agent } from 'undici';
import { ConfigError } from '@portico/sdk';
import type { HeaderMap } from './headers.js';
import type { TlsConnectOptions } from './tls-options.js';

/**
 * The HTTP client of one forwardAuth element: an undici Agent (pooled keep-alive connections) built at
 * configuration time, closed when the element goes away. It never follows redirects (a 3xx is an answer to
 * relay) and gives up after 30 s, as Traefik's http.Client{Timeout: 30s}.
 */
export const AUTH_TIMEOUT_MS = 30_000;

export interface AuthAnswer {
  status: number;
  /** Lower-case names; repeated headers as arrays (undici's form). */
  headers: HeaderMap;
  body: Buffer;
}

/** The authentication answer's body was larger than maxResponseBodySize. */
export class AuthBodyTooLarge extends Error {}

export interface AuthClient {
  call(method: string, headers: HeaderMap, body: Buffer | null, signal: AbortSignal): Promise<AuthAnswer>;
  close(): Promise<void>;
}

export interface AuthTarget {
  origin: string;
  /** Path and query of the address, sent as is. */
  path: string;
}

/** Splits and checks `address` (fail closed: Traefik only finds a bad address per request, answering 500). */
export function parseAddress(address: string): AuthTarget {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ConfigError(`invalid address ${JSON.stringify(address)}: expected an absolute http(s) URL`, 'address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`unsupported scheme ${JSON.stringify(url.protocol.slice(0, -1))} in address (http or https)`, 'address');
  }
  return { origin: url.origin, path: `${url.pathname}${url.search}` };
}

export function createAuthClient(target: AuthTarget, tls: TlsConnectOptions | null, maxResponseBodySize: number): AuthClient {
  if (tls !== null) {
    try {
      createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
    } catch (err) {
      throw new ConfigError(`unable to create client TLS configuration: ${(err as Error).message}`, 'tls');
    }
  }
  const agent = new Agent({
    headersTimeout: AUTH_TIMEOUT_MS,
    bodyTimeout: AUTH_TIMEOUT_MS,
    connect: tls === null ? undefined : { ...tls },
  });

  return {
    async call(method, headers, body, signal) {
      const res = await agent.request({
        origin: target.origin,
        path: target.path,
        method: method as 'GET',
        headers,
        body: body ?? undefined,
        signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (maxResponseBodySize >= 0 && size > maxResponseBodySize) {
          res.body.destroy();
          throw new AuthBodyTooLarge(`authentication response body over ${maxResponseBodySize} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
      return { status: res.statusCode, headers: res.headers as HeaderMap, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) };
    },
    close: () => agent.close(),
  };
}
