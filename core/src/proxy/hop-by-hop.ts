import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 7230 §6.1) that a proxy must not forward, plus `expect` (Node's server already
 * answered 100-continue, and undici refuses it). Lower-case, as Node delivers header names.
 */
export const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

/** Header names listed in a Connection header value, lower-cased; undefined when there are none. */
export function connectionListed(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const joined = Array.isArray(value) ? value.join(',') : value;
  let out: Set<string> | undefined;
  for (const t of joined.split(',')) {
    const name = t.trim().toLowerCase();
    if (name !== '' && name !== 'close' && name !== 'keep-alive') (out ??= new Set()).add(name);
  }
  return out;
}

/** Copies an upstream response's headers for the client, without hop-by-hop ones. */
export function responseHeadersForClient(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || (listed !== undefined && listed.has(name))) continue;
    const v = headers[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
