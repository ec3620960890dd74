/**
 * Go's view of a request path, computed from the escaped form Portico carries (`ex.path`): Traefik matches
 * prefixes against the decoded `URL.Path`, byte by byte, and cuts the escaped `RawPath` by counting decoded
 * bytes. Decoded paths are "byte strings" here (one char per byte, 0-255) so lengths are Go's byte lengths.
 */

/** Percent-decodes an escaped path into a byte string; null when an escape is malformed (Go would refuse the URL). */
export function decodePathBytes(path: string): string | null {
  if (!path.includes('%')) return path;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c !== 0x25) {
      out += path[i];
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
    out += String.fromCharCode(parseInt(hex, 16));
    i += 2;
  }
  return out;
}

/** A prefix as UTF-8 bytes in byte-string form, comparable with decodePathBytes' output. */
export function prefixBytes(prefix: string): string {
  return Buffer.from(prefix, 'utf8').toString('latin1');
}

/**
 * Traefik's encodedPrefixLen: the number of chars of the escaped path that encode the first `decodedLength`
 * bytes, a `%XX` sequence counting as one byte.
 */
export function encodedPrefixLen(rawPath: string, decodedLength: number): number {
  let decoded = 0;
  let i = 0;
  while (i < rawPath.length && decoded < decodedLength) {
    i += rawPath[i] === '%' && i + 2 < rawPath.length ? 3 : 1;
    decoded++;
  }
  return i;
}

/**
 * Whether cleaning the path (Go's URL.JoinPath: path.Clean on the escaped path, trailing slash kept) leaves it
 * unchanged: no empty segment inside ("//"), no "." or ".." segment. Traefik answers 400 when a stripped path
 * is not clean, or the upstream could resolve it to a resource another router protects (GHSA-xf64-8mw2-4gr2).
 */
export function isCleanPath(escaped: string): boolean {
  const segments = escaped.split('/');
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg === '.' || seg === '..') return false;
    if (seg === '' && i !== 0 && i !== segments.length - 1) return false;
  }
  return true;
}
