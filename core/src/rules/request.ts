// What the matchers look at, derived once per request from the raw request the way Go's
// net/http and Traefik's request decorator and muxer derive it.
import { remoteAddrIp, splitHostPort } from './ip.js';

export interface RoutingInput {
  method: string;
  /** Host for Host/HostRegexp (v3) and Host (v2): lower-cased, port and IPv6 brackets removed. */
  host: string;
  /** Host as gorilla/mux saw it, for v2 HostRegexp: the absolute-form authority, else the Host header. */
  rawHost: string;
  /** Routing path: the escaped path with every percent-escape decoded except reserved characters. */
  path: string;
  /** Raw query without '?', null when the target has none. */
  rawQuery: string | null;
  /** Lower-case header names → values in order (Node's req.headersDistinct). */
  headers: Record<string, string[] | undefined>;
  /** Client IP from the socket address (never from forwarded headers). */
  clientIp: string;
  /** Parsed query, filled lazily by the first Query matcher that needs it. */
  query?: Map<string, string[]>;
}

export interface RawRequest {
  method: string;
  /** Host header (HTTP/1) or :authority (HTTP/2); undefined when absent. */
  hostHeader: string | undefined;
  /** Request target as sent: origin-form path, absolute-form URL, `*`, or authority (CONNECT). */
  requestTarget: string;
  headers: Record<string, string[] | undefined>;
  /** Socket remote address (a `host:port` form is split the way Traefik does). */
  remoteAddress: string;
}

/**
 * Builds the routing input of a request. Returns undefined for a request target Go would reject
 * with 400 Bad Request (invalid percent-encoding, relative non-path target); answer 400 then.
 */
export function routingInput(raw: RawRequest): RoutingInput | undefined {
  const target = splitTarget(raw.requestTarget, raw.method);
  if (!target) return undefined;
  const path = routingPath(target.path);
  if (path === undefined) return undefined;
  const hostHeader = utf8FromLatin1(raw.hostHeader ?? '');
  const reqHost = target.authority ? target.authority : hostHeader;
  return {
    method: raw.method,
    host: canonicalHost(reqHost),
    rawHost: target.absolute ? target.authority : hostHeader,
    path,
    rawQuery: target.query,
    headers: raw.headers,
    clientIp: remoteAddrIp(raw.remoteAddress),
  };
}

/**
 * Node hands over header bytes as latin1 characters; Go reads them as UTF-8. Re-decodes a string
 * whose characters are all bytes and some are non-ASCII; returns other strings unchanged.
 */
export function utf8FromLatin1(s: string): string {
  let high = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return s;
    if (c >= 0x80) high = true;
  }
  return high ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

interface Target {
  path: string;
  query: string | null;
  /** Host part of an absolute-form target's authority (userinfo dropped). */
  authority: string;
  absolute: boolean;
}

function splitTarget(t: string, method: string): Target | undefined {
  if (t.startsWith('/') || t === '*') {
    const q = t.indexOf('?');
    return { path: q < 0 ? t : t.slice(0, q), query: q < 0 ? null : t.slice(q + 1), authority: '', absolute: false };
  }
  if (method === 'CONNECT') return { path: '', query: null, authority: t, absolute: false };
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(t);
  if (scheme) {
    let rest = t.slice(scheme[0].length);
    const q = rest.indexOf('?');
    const query = q < 0 ? null : rest.slice(q + 1);
    if (q >= 0) rest = rest.slice(0, q);
    if (!rest.startsWith('//')) return rest.startsWith('/') ? { path: rest, query, authority: '', absolute: true } : undefined;
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    const at = authority.lastIndexOf('@');
    return { path: slash < 0 ? '' : rest.slice(slash), query, authority: authority.slice(at + 1), absolute: true };
  }
  return undefined;
}

/** Traefik's request decorator: host without port or IPv6 brackets, trimmed, lower-cased. */
export function canonicalHost(hostHeader: string): string {
  return parseHost(hostHeader).trim().toLowerCase();
}

function parseHost(addr: string): string {
  if (!addr.includes(':')) return addr;
  const split = splitHostPort(addr);
  if (split) return split.host;
  if (addr.startsWith('[') && addr.endsWith(']')) return addr.slice(1, -1);
  return addr;
}

// --- Routing path (Traefik's withRoutingPath over Go's URL.EscapedPath) --------------------------

/** Percent-escapes that stay encoded in the routing path (RFC 3986 reserved characters and %). */
const RESERVED = new Set([
  '%3A', '%2F', '%3F', '%23', '%5B', '%5D', '%40', '%21', '%24', '%26', '%27', '%28', '%29', '%2A', '%2B', '%2C',
  '%3B', '%3D', '%25',
]);

// Characters Go leaves as-is in an escaped path (validEncoded), and those escape() does not encode.
const VALID_ENCODED = /^[A-Za-z0-9\-_.~!$&'()*+,;=:@[\]%/]*$/;
const NO_PERCENT_FAST = /^[A-Za-z0-9\-_.~!$&'()*+,;=:@/]*$/;
const UNESCAPED_BY_GO = /[A-Za-z0-9\-_.~$&+,/:;=@]/;

const toBytes = (s: string): number[] => {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x100) out.push(c);
    else out.push(...Buffer.from(ch, 'utf8'));
  }
  return out;
};

const hexVal = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1);

/** Decodes %XX sequences; undefined on a malformed escape (Go's url.unescape error). */
function unescapeBytes(bytes: number[], plusIsSpace = false): number[] | undefined {
  const out: number[] = [];
  for (let k = 0; k < bytes.length; k++) {
    const b = bytes[k]!;
    if (b === 0x25) {
      const h = hexVal(bytes[k + 1] ?? -1);
      const l = hexVal(bytes[k + 2] ?? -1);
      if (h < 0 || l < 0) return undefined;
      out.push(h * 16 + l);
      k += 2;
    } else out.push(plusIsSpace && b === 0x2b ? 0x20 : b);
  }
  return out;
}

/**
 * The path Traefik's Path, PathPrefix and PathRegexp matchers compare against, from the path part
 * of the request target. Undefined when the path has a malformed percent-escape.
 */
export function routingPath(rawPath: string): string | undefined {
  if (NO_PERCENT_FAST.test(rawPath)) return rawPath;
  if (rawPath === '*') return '*';
  let bytes = toBytes(rawPath);
  const decoded = unescapeBytes(bytes);
  if (!decoded) return undefined;
  if (!VALID_ENCODED.test(rawPath) || bytes.some((b) => b >= 0x80)) {
    // Go re-escapes the decoded path when the raw one is not a valid encoding of it.
    bytes = [];
    for (const b of decoded) {
      if (b < 0x80 && UNESCAPED_BY_GO.test(String.fromCharCode(b))) bytes.push(b);
      else bytes.push(...toBytes('%' + b.toString(16).toUpperCase().padStart(2, '0')));
    }
  }
  const out: number[] = [];
  for (let k = 0; k < bytes.length; k++) {
    if (bytes[k] !== 0x25) {
      out.push(bytes[k]!);
      continue;
    }
    // Traefik looks reserved escapes up case-sensitively, so it decodes `%2f` but not `%2F`; an
    // encoded slash is an encoded slash either way, so both stay encoded here (as `%2F`).
    const esc = String.fromCharCode(bytes[k]!, bytes[k + 1]!, bytes[k + 2]!).toUpperCase();
    if (RESERVED.has(esc)) out.push(...toBytes(esc));
    else out.push(hexVal(bytes[k + 1]!) * 16 + hexVal(bytes[k + 2]!));
    k += 2;
  }
  return Buffer.from(out).toString('utf8');
}

// --- Query ----------------------------------------------------------------------------------------

const decodeQueryPart = (s: string): string | undefined => {
  const b = unescapeBytes(toBytes(s), true);
  return b && Buffer.from(b).toString('utf8');
};

/** Go's url.ParseQuery: `&`-separated, `+` is a space, pairs with `;` or bad escapes are skipped. */
export function parseQuery(rawQuery: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (part === '' || part.includes(';')) continue;
    const eq = part.indexOf('=');
    const key = decodeQueryPart(eq < 0 ? part : part.slice(0, eq));
    const value = decodeQueryPart(eq < 0 ? '' : part.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

/** The query of a request, parsed once and cached on the input. */
export function queryOf(input: RoutingInput): Map<string, string[]> {
  return (input.query ??= input.rawQuery ? parseQuery(input.rawQuery) : new Map());
}

/** gorilla/mux's findFirstQueryKey: first value of `key`, splitting on `&` and `;`. */
export function firstQueryValue(rawQuery: string | null, key: string): string | undefined {
  if (!rawQuery) return undefined;
  for (const part of rawQuery.split(/[&;]/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = decodeQueryPart(eq < 0 ? part : part.slice(0, eq));
    if (k !== key) continue;
    const v = decodeQueryPart(eq < 0 ? '' : part.slice(eq + 1));
    if (v !== undefined) return v;
  }
  return undefined;
}
