/**
 * `url.Parse(s).String()` for the URLs a redirect builds: Traefik parses the rewritten URL (a failure answers
 * 500) and writes `URL.String()` into Location, which lower-cases the scheme and re-escapes a path that is not
 * validly encoded. Returns null where Go's url.Parse fails.
 */
import { escapePath, pathUnescape, validEncodedPath } from './go-path.js';

const CONTROL = /[\x00-\x1f\x7f]/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** Port part of an authority (after the host, brackets respected) must be digits: Go's validOptionalPort. */
function validAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  const host = at === -1 ? authority : authority.slice(at + 1);
  let portStart: number;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close === -1) return false;
    portStart = close + 1;
    if (portStart < host.length && host[portStart] !== ':') return false;
  } else {
    portStart = host.lastIndexOf(':');
    if (portStart === -1) return true;
  }
  const port = host.slice(portStart + 1);
  return portStart >= host.length || /^[0-9]*$/.test(port);
}

/** Go's URL String() of the parsed `raw`, or null when url.Parse would fail. */
export function goURLString(raw: string): string | null {
  if (CONTROL.test(raw)) return null;
  if (raw.startsWith(':')) return null; // "missing protocol scheme"
  let rest = raw;
  let fragment: string | null = null;
  const hash = rest.indexOf('#');
  if (hash !== -1) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let scheme = '';
  const m = SCHEME.exec(rest);
  if (m !== null) {
    scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  }
  let query: string | null = null;
  const q = rest.indexOf('?');
  if (q !== -1) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let out = scheme === '' ? '' : `${scheme}:`;
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    if (!validAuthority(authority)) return null;
    out += `//${authority}`;
    rest = slash === -1 ? '' : rest.slice(slash);
  } else if (scheme !== '' && !rest.startsWith('/')) {
    // Opaque URL (mailto:x): kept as written.
    out += rest;
    rest = '';
  }
  if (rest !== '') {
    let decoded: string;
    try {
      decoded = pathUnescape(rest);
    } catch {
      return null;
    }
    out += validEncodedPath(rest) ? rest : escapePath(decoded);
  }
  if (query !== null) out += `?${query}`;
  if (fragment !== null) out += `#${fragment}`;
  return out;
}

/** A header value Node can write: non-Latin-1 text goes out as its UTF-8 bytes, as Go writes strings. */
export function headerSafe(value: string): string {
  return /^[\x00-\xff]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}
