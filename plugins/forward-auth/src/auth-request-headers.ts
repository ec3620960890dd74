import type { Exchange } from '@portico/sdk';
import { requestURI } from '@portico/sdk';
import { HOP_HEADERS, X_FORWARDED_HEADERS, copyRequestHeaders, removeConnectionHeaders, valuesOf, type HeaderMap } from './headers.js';

/**
 * The headers of the request sent to the authentication server (Traefik's writeHeader / oldWriteHeader).
 *
 * - All request headers are copied, minus hop-by-hop ones and those the Connection header names.
 * - `trustForwardHeader: false` removes every X-Forwarded-* header first; `true` keeps the client's (as the
 *   entrypoint let them through); unset is Traefik's legacy mode (oldWriteHeader).
 * - `authRequestHeaders`, when given, keeps only the listed headers (plus the X-Forwarded set when trusted).
 * - X-Forwarded-For gets the client IP (appended to a kept value in the new modes); X-Forwarded-Method, -Proto,
 *   -Port, -Host and -Uri describe the request as it reached this middleware.
 */

/** Headers Node's request map holds that Go keeps out of `Request.Header` or writes from the request itself. */
const TRANSPORT_HEADERS = ['host', 'content-length', 'expect'];

export interface AuthRequestHeaderOptions {
  /** undefined = legacy behaviour. */
  trustForwardHeader: boolean | undefined;
  /** Lower-cased allow-list; empty = every header. Already includes the X-Forwarded set when trusted. */
  allowed: readonly string[];
}

export function authRequestHeaders(ex: Exchange, opts: AuthRequestHeaderOptions): HeaderMap {
  let h = copyRequestHeaders(ex.headers);
  for (const name of TRANSPORT_HEADERS) delete h[name];
  removeConnectionHeaders(h);
  for (const name of HOP_HEADERS) delete h[name];

  const legacy = opts.trustForwardHeader === undefined;
  if (opts.trustForwardHeader === false) for (const name of X_FORWARDED_HEADERS) delete h[name];
  // A request without User-Agent is forwarded without one (Traefik sets it empty so Go's client adds none);
  // this client never adds one, so nothing to do but not invent it.

  if (opts.allowed.length > 0) {
    const filtered: HeaderMap = {};
    for (const name of opts.allowed) {
      const v = h[name];
      if (v !== undefined) filtered[name] = v;
    }
    h = filtered;
  }

  const uri = requestURI(ex); // Go's req.URL.RequestURI(): path and query even for absolute-form targets
  if (legacy) {
    h['x-forwarded-for'] = ex.clientIp;
    h['x-forwarded-proto'] = ex.tls ? 'https' : 'http';
    h['x-forwarded-method'] = ex.method;
    setOrDelete(h, 'x-forwarded-host', ex.host);
    h['x-forwarded-uri'] = uri;
    return h;
  }

  const prior = valuesOf(h['x-forwarded-for']);
  h['x-forwarded-for'] = prior.length > 0 ? `${prior.join(', ')}, ${ex.clientIp}` : ex.clientIp;
  h['x-forwarded-method'] ??= ex.method;
  h['x-forwarded-proto'] ??= ex.tls ? 'https' : 'http';
  h['x-forwarded-port'] ??= forwardedPort(ex, first(h['x-forwarded-proto']));
  if (h['x-forwarded-host'] === undefined) setOrDelete(h, 'x-forwarded-host', ex.host);
  h['x-forwarded-uri'] ??= uri;
  return h;
}

function first(v: string | string[] | undefined): string {
  return v === undefined ? '' : Array.isArray(v) ? (v[0] ?? '') : v;
}

/** Go sets an empty header value, which the client then writes as an empty line; an empty Host just omits it. */
function setOrDelete(h: HeaderMap, name: string, value: string): void {
  if (value === '') delete h[name];
  else h[name] = value;
}

/** Traefik's forwardedPort: the Host's port, else 443 for https/wss or a TLS connection, else 80. */
export function forwardedPort(ex: Exchange, proto: string): string {
  const port = hostPort(ex.host);
  if (port !== '') return port;
  if (proto === 'https' || proto === 'wss' || ex.tls) return '443';
  return '80';
}

/** The port of a Host value (`a.com:8080`, `[::1]:8080`), '' when there is none. */
export function hostPort(host: string): string {
  const close = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  if (colon === -1 || colon < close) return '';
  if (close === -1 && host.indexOf(':') !== colon) return ''; // bare IPv6 without brackets: no port
  return host.slice(colon + 1);
}
