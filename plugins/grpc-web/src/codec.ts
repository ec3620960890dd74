import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * gRPC-Web ⇄ gRPC translation, as improbable-eng/grpc-web's Go wrapper (which Traefik's grpcWeb uses) does it.
 * Pure functions and one small stream encoder; the middleware wires them to the exchange.
 *
 * Wire facts (grpc/doc/PROTOCOL-WEB.md): a gRPC-Web body is the gRPC length-prefixed messages (1 flag byte +
 * 4 bytes big-endian length + message), unchanged; the response ends with a trailer frame whose flag byte has
 * its MSB set (0x80) and whose payload is the trailers as HTTP/1 header lines with lower-case names. The
 * `-text` variants carry the same bytes base64-encoded.
 */

export const GRPC = 'application/grpc';
export const GRPC_WEB = 'application/grpc-web';
export const GRPC_WEB_TEXT = 'application/grpc-web-text';

/** A POST whose content-type starts with application/grpc-web (binary or text, any +format suffix). */
export function isGrpcWebRequest(method: string, contentType: string | undefined): boolean {
  return method === 'POST' && contentType !== undefined && contentType.startsWith(GRPC_WEB);
}

/**
 * Rewrites the request headers for the gRPC upstream, in place: content-type `application/grpc-web[-text]…` →
 * `application/grpc…` (suffix kept: `+proto`), no content-length (it is the HTTP/1.1 length, the gRPC request is
 * re-framed by the transport). Returns whether the body is base64 text.
 */
export function toGrpcRequestHeaders(headers: IncomingHttpHeaders): { text: boolean } {
  const contentType = String(headers['content-type'] ?? '');
  const text = contentType.startsWith(GRPC_WEB_TEXT);
  headers['content-type'] = contentType.replace(text ? GRPC_WEB_TEXT : GRPC_WEB, GRPC);
  delete headers['content-length'];
  return { text };
}

/**
 * Decodes a grpc-web-text body. Clients may send several base64 chunks one after the other, each padded; Go's
 * decoder would stop at the first padding, this one decodes each 4-character group on its own, so both forms
 * work. Whitespace is ignored. Throws on characters outside the base64 alphabet.
 */
export function decodeTextBody(body: Buffer): Buffer {
  const s = body.toString('latin1').replace(/[\r\n\t ]/g, '');
  if (!/^[A-Za-z0-9+/=]*$/.test(s)) throw new Error('grpc-web-text body is not base64');
  if (!s.includes('=') || s.indexOf('=') >= s.length - 2) return Buffer.from(s, 'base64');
  const parts: Buffer[] = [];
  for (let i = 0; i < s.length; i += 4) parts.push(Buffer.from(s.slice(i, i + 4), 'base64'));
  return Buffer.concat(parts);
}

/**
 * The response head for the gRPC-Web client: content-type `application/grpc…` → the client's variant, and
 * `access-control-expose-headers` listing every header of the response plus grpc-status and grpc-message, so a
 * browser lets the client read them. Changes `headers` in place; returns the names of the headers sent (they
 * are left out of the trailer frame).
 */
export function toGrpcWebResponseHeaders(headers: OutgoingHttpHeaders, text: boolean): Set<string> {
  const contentType = headers['content-type'];
  if (typeof contentType === 'string' && contentType.startsWith(GRPC)) {
    headers['content-type'] = contentType.replace(GRPC, text ? GRPC_WEB_TEXT : GRPC_WEB);
  }
  delete headers['trailer'];
  // The body becomes longer (trailer frame, base64): its length is no longer known.
  delete headers['content-length'];
  const names = Object.keys(headers).map((n) => n.toLowerCase());
  const sent = new Set(names);
  headers['access-control-expose-headers'] = [...names.map(canonical), 'grpc-status', 'grpc-message'].join(', ');
  return sent;
}

/** Go's http.CanonicalHeaderKey for the expose list: `grpc-status` → `Grpc-Status`. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/**
 * The trailer frame: 0x80, 4-byte big-endian length, then the trailers as `name: value\r\n` lines — names
 * lower-cased, sorted (Go's Header.Write order), repeated values as repeated lines. Trailers whose name is
 * in `alreadySent` went out in the head (a trailers-only response) and are not repeated.
 */
export function trailerFrame(trailers: Record<string, string | string[] | undefined>, alreadySent: ReadonlySet<string> = new Set()): Buffer {
  const lines: string[] = [];
  const names = Object.keys(trailers)
    .map((n) => n.toLowerCase())
    .filter((n) => n !== 'trailer' && !alreadySent.has(n))
    .sort();
  const lower = Object.fromEntries(Object.entries(trailers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const name of names) {
    const value = lower[name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}\r\n`);
  }
  const payload = Buffer.from(lines.join(''), 'latin1');
  const frame = Buffer.allocUnsafe(5 + payload.length);
  frame[0] = 0x80;
  frame.writeUInt32BE(payload.length, 1);
  payload.copy(frame, 5);
  return frame;
}

/**
 * Incremental base64 for grpc-web-text responses: whole 3-byte groups go out as they come; `flush()` pads what
 * is left, so every flushed piece is valid base64 on its own (as the Go wrapper's encoder, closed at each flush).
 */
export class Base64Encoder {
  private rest: Buffer = Buffer.alloc(0);

  write(chunk: Buffer): Buffer {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const whole = data.length - (data.length % 3);
    this.rest = Buffer.from(data.subarray(whole));
    return Buffer.from(data.subarray(0, whole).toString('base64'), 'latin1');
  }

  flush(): Buffer {
    const out = Buffer.from(this.rest.toString('base64'), 'latin1');
    this.rest = Buffer.alloc(0);
    return out;
  }
}
