import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Go `http.Header` operations on Node header objects. Header names are lower-case on both sides (Node's
 * convention, which the kernel keeps for request and response heads), so names are lowered once at build time.
 */

/** `Header.Get`: the first value ('' when absent). */
export function getFirst(headers: IncomingHttpHeaders | OutgoingHttpHeaders, name: string): string {
  const v = headers[name];
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.length > 0 ? String(v[0]) : '';
  return String(v);
}
