import type { OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';

/**
 * Case-insensitive access to a response head about to be written. The relay and `respond()` use lower-case
 * names, so the direct lookup almost always hits; the scan covers heads built by hand.
 */
export function getHeader(headers: OutgoingHttpHeaders, lower: string): OutgoingHttpHeaders[string] {
  const direct = headers[lower];
  if (direct !== undefined) return direct;
  for (const name of Object.keys(headers)) if (name.toLowerCase() === lower) return headers[name];
  return undefined;
}

export function deleteHeader(headers: OutgoingHttpHeaders, lower: string): void {
  for (const name of Object.keys(headers)) if (name.toLowerCase() === lower) delete headers[name];
}

/** First value as a string ('' when absent). */
export function headerString(headers: OutgoingHttpHeaders, lower: string): string {
  const v = getHeader(headers, lower);
  if (v === undefined) return '';
  return Array.isArray(v) ? (v[0] ?? '') : String(v);
}

/** Content-Length as a number, or undefined when absent or not a plain non-negative integer. */
export function contentLength(headers: OutgoingHttpHeaders): number | undefined {
  const v = getHeader(headers, 'content-length');
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(Array.isArray(v) ? v[0] : v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Adds `Vary: Accept-Encoding` (Traefik adds it to every response it may have compressed), without duplicating it. */
export function addVaryAcceptEncoding(headers: OutgoingHttpHeaders): void {
  const current = getHeader(headers, 'vary');
  if (current === undefined) {
    headers.vary = 'Accept-Encoding';
    return;
  }
  const values = Array.isArray(current) ? current : [String(current)];
  for (const v of values) {
    for (const token of v.split(',')) {
      const t = token.trim().toLowerCase();
      if (t === 'accept-encoding' || t === '*') return;
    }
  }
  deleteHeader(headers, 'vary');
  // An array goes out as repeated lines, as Go's Header.Add writes them (@types/node types `vary` as a string only).
  (headers as Record<string, OutgoingHttpHeader>).vary = [...values, 'Accept-Encoding'];
}
