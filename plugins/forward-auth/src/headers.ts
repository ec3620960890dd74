import type { IncomingHttpHeaders } from 'node:http';

/**
 * Header helpers with Go's net/http semantics, for the headers forwardAuth moves between the client request,
 * the authentication request and the authentication response. Node keeps header names lower-cased; Go
 * canonicalises them (`x-auth-user` → `X-Auth-User`), which is what authResponseHeadersRegex is matched against.
 */

/** A header map as this plugin builds it: lower-case names, one value or the repeated values in order. */
export type HeaderMap = Record<string, string | string[]>;

/**
 * Hop-by-hop headers removed from the authentication request and from a relayed authentication answer
 * (Traefik's forward.go list: Proxy-Authorization is deliberately absent — it is meant for the auth server).
 */
export const HOP_HEADERS: readonly string[] = ['connection', 'keep-alive', 'te', 'trailers', 'transfer-encoding', 'upgrade'];

/** forwardedheaders.XHeaders: the X-Forwarded-* set removed when trustForwardHeader is false. */
export const X_FORWARDED_HEADERS: readonly string[] = [
  'x-forwarded-proto',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-forwarded-uri',
  'x-forwarded-method',
  'x-forwarded-tls-client-cert',
  'x-forwarded-tls-client-cert-info',
];

/** Go's http.CanonicalHeaderKey for a valid token name: upper-case the first letter and each one after '-'. */
export function canonicalHeaderKey(name: string): string {
  let out = '';
  let upper = true;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === ' ') return name; // not a token: Go leaves it as is
    out += upper ? c.toUpperCase() : c.toLowerCase();
    upper = c === '-';
  }
  return out;
}

/** Values of a header as a list (Node gives a string, or an array for set-cookie and repeated lines kept apart). */
export function valuesOf(v: string | string[] | number | undefined): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  return [String(v)];
}

/** Removes the headers the Connection header names, then Connection itself (Go's RemoveConnectionHeaders). */
export function removeConnectionHeaders(h: HeaderMap): void {
  for (const value of valuesOf(h.connection)) {
    for (const name of value.split(',')) {
      const n = name.trim().toLowerCase();
      if (n !== '') delete h[n];
    }
  }
  delete h.connection;
}

/** A copy of the request headers the authentication request may carry (undefined values dropped). */
export function copyRequestHeaders(src: IncomingHttpHeaders): HeaderMap {
  const out: HeaderMap = {};
  for (const name in src) {
    const v = src[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
