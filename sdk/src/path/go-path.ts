/**
 * Go's `net/url` path encoding rules, for middlewares that rewrite the escaped request path (`ex.path`) the way
 * Traefik rewrites `URL.Path`/`URL.RawPath`: what goes on the wire is `URL.EscapedPath()`, i.e. the raw form
 * when it is a valid encoding, else the decoded path re-escaped. Byte strings (one char per byte) stand for
 * Go's byte slices.
 */

const HEX = '0123456789ABCDEF';

function isUnreservedOrPathReserved(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    // - _ . ~  and  $ & + , / : ; = @ (encodePath lets these through)
    c === 0x2d || c === 0x5f || c === 0x2e || c === 0x7e ||
    c === 0x24 || c === 0x26 || c === 0x2b || c === 0x2c || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40
  );
}

/** Go's `shouldEscape(c, encodePath)`. */
function shouldEscapePath(c: number): boolean {
  return !isUnreservedOrPathReserved(c);
}

/** Go's `escape(s, encodePath)` over a UTF-8 string (upper-case hex). */
export function escapePath(s: string): string {
  let simple = true;
  for (let i = 0; i < s.length; i++) {
    if (shouldEscapePath(s.charCodeAt(i))) {
      simple = false;
      break;
    }
  }
  if (simple) return s;
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    out += shouldEscapePath(byte) ? `%${HEX[byte >> 4]}${HEX[byte & 15]}` : String.fromCharCode(byte);
  }
  return out;
}

/** Go's `validEncoded(s, encodePath)`: only chars a path may carry unescaped (sub-delims, `[]`, `%` included). */
export function validEncodedPath(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x21: case 0x24: case 0x26: case 0x27: case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c:
      case 0x3b: case 0x3d: case 0x3a: case 0x40: case 0x5b: case 0x5d: case 0x25:
        continue;
      default:
        if (shouldEscapePath(c)) return false;
    }
  }
  return true;
}

/** Thrown for a malformed escape, with Go's `url.EscapeError` text. */
export class PathEscapeError extends Error {}

/** Go's `url.PathUnescape`, as a UTF-8 string (invalid UTF-8 becomes U+FFFD). Throws PathEscapeError. */
export function pathUnescape(s: string): string {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        // Go quotes up to three chars starting at the '%'.
        throw new PathEscapeError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * What `URL.EscapedPath()` sends for a path whose RawPath was set to `raw` and Path to its decoding: `raw`
 * itself when valid, else the decoded path re-escaped. Throws PathEscapeError when `raw` cannot be decoded.
 */
export function wirePath(raw: string): string {
  const decoded = pathUnescape(raw);
  return validEncodedPath(raw) ? raw : escapePath(decoded);
}

export function ensureLeadingSlash(s: string): string {
  return s === '' || s[0] === '/' ? s : `/${s}`;
}
