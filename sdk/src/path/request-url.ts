import type { Exchange } from '@portico/core';

/** Traefik's uriRegexp: the parts of an absolute-form request-target (`GET http://host:port/path`). */
const ABSOLUTE_TARGET = /^(https?):\/\/(\[[\w:.]+\]|[\w._-]+)?(:\d+)?(.*)$/;

export interface RequestUrlParts {
  scheme: string;
  host: string;
  /** `:port`, or '' */
  port: string;
  /** Path and query. */
  uri: string;
}

/**
 * The request URL as Traefik's redirect middlewares read it (rawURL / clientRequestURL share this part): an
 * absolute-form request-target overrides the Host header's `host`/`port` given by the caller, and a TLS
 * connection makes the scheme https.
 */
export function requestUrlParts(ex: Exchange, host: string, port: string): RequestUrlParts {
  const requestURI = ex.pathAndQuery;
  let scheme = 'http';
  let uri = requestURI;
  const m = ABSOLUTE_TARGET.exec(requestURI);
  if (m !== null) {
    scheme = m[1]!;
    if (m[2] !== undefined && m[2] !== '') host = m[2];
    if (m[3] !== undefined && m[3] !== '') port = m[3];
    uri = m[4]!;
  }
  if (ex.tls) scheme = 'https';
  return { scheme, host, port, uri };
}

/**
 * Go's `req.URL.RequestURI()`: path and query only, also for an absolute-form request-target
 * (`GET http://host/p?q` → `/p?q`), where `ex.pathAndQuery` — like Go's raw `req.RequestURI` — keeps the whole URL.
 */
export function requestURI(ex: Exchange): string {
  const target = ex.pathAndQuery;
  const m = ABSOLUTE_TARGET.exec(target);
  if (m === null) return target;
  const uri = m[4]!;
  return uri.startsWith('/') ? uri : `/${uri}`;
}
