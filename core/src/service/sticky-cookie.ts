import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange, ResponseModifier } from '../http/exchange.js';
import type { StickyCookieConfig } from '../config/dynamic/schema.js';

/**
 * Sticky sessions by cookie, as Traefik v3 does them — reusable by any balancer (loadBalancer over servers,
 * weighted over child services):
 *
 *   const sticky = createStickyCookie(cfg.sticky.cookie, 'my-svc@file', keys);   // once, at build time
 *   const index = sticky.choose(ex, (i) => isUp(i), () => pickIndex());          // per request
 *
 * `keys` name the choices (a loadBalancer passes its server URLs, a weighted service its child service names);
 * the cookie value is the first 16 hex digits of sha256(key). A request whose cookie names an available
 * choice goes there; otherwise `balance()` decides and the response sets the cookie to its pick. Cookies
 * written by older Traefik versions (the raw key, fnv64(key), fnv64(fnv64(key))) are still honoured and
 * rewritten in the current format.
 *
 * Per request: one scan of the Cookie header; a Set-Cookie is added (precomputed string) only when the cookie
 * is missing, stale or legacy.
 */
export interface StickyCookie {
  /** The cookie name actually used (sanitized, or derived from the service name). */
  readonly name: string;
  /** Cookie value for the choice at `index` (for tests and logs). */
  valueOf(index: number): string;
  /**
   * Returns the index the request goes to: the cookie's choice when `isAvailable` says so, else `balance()`
   * (which may return -1: nothing available, no cookie written).
   */
  choose(ex: Exchange, isAvailable: (index: number) => boolean, balance: () => number): number;
}

export function createStickyCookie(cfg: StickyCookieConfig, serviceName: string, keys: readonly string[]): StickyCookie {
  const name = cfg.name ? sanitizeCookieName(cfg.name) : defaultCookieName(serviceName);
  const values = keys.map(sha256Prefix);
  const current = new Map<string, number>();
  const legacy = new Map<string, number>();
  keys.forEach((key, i) => {
    if (!current.has(values[i])) current.set(values[i], i);
    const fnv = fnv64Hex(key);
    for (const v of [key, fnv, fnv64Hex(fnv)]) if (!legacy.has(v)) legacy.set(v, i);
  });
  const setters: ResponseModifier[] = values.map((value) => {
    const line = formatSetCookie(name, value, cfg);
    return (_status, headers) => appendSetCookie(headers, line);
  });

  return {
    name,
    valueOf: (index) => values[index],
    choose(ex, isAvailable, balance) {
      const value = readCookie(ex.headers.cookie, name);
      if (value !== undefined) {
        const i = current.get(value);
        if (i !== undefined && isAvailable(i)) return i;
        const old = i === undefined ? legacy.get(value) : undefined;
        if (old !== undefined && isAvailable(old)) {
          ex.onResponseHead(setters[old]);
          return old;
        }
      }
      const picked = balance();
      if (picked >= 0) ex.onResponseHead(setters[picked]);
      return picked;
    },
  };
}

/** Traefik's default cookie name: "_" + the first 5 hex digits of sha1("_TRAEFIK_BACKEND_" + service name). */
export function defaultCookieName(serviceName: string): string {
  return `_${createHash('sha1').update(`_TRAEFIK_BACKEND_${serviceName}`).digest('hex')}`.slice(0, 6);
}

/** Keeps RFC 2616 token characters, replaces anything else with "_" (Traefik's sanitizeName). */
export function sanitizeCookieName(name: string): string {
  return name.replace(/[^!#$%&'*+\-.^`|~0-9A-Za-z]/g, '_');
}

function sha256Prefix(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Go's hash/fnv New64 (FNV-1, not 1a), formatted as strconv.FormatUint(h, 16). Build time only. */
function fnv64Hex(input: string): string {
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(input, 'utf8')) h = ((h * prime) & mask) ^ BigInt(byte);
  return h.toString(16);
}

/** Set-Cookie in Go's http.Cookie.String() attribute order. */
export function formatSetCookie(name: string, value: string, cfg: StickyCookieConfig): string {
  let line = `${name}=${value}; Path=${cfg.path ?? '/'}`;
  const domain = cfg.domain?.replace(/^\./, '');
  if (domain) line += `; Domain=${domain}`;
  const maxAge = cfg.maxAge ?? 0;
  if (maxAge > 0) line += `; Max-Age=${maxAge}`;
  else if (maxAge < 0) line += '; Max-Age=0';
  if (cfg.httpOnly) line += '; HttpOnly';
  if (cfg.secure) line += '; Secure';
  const sameSite = (cfg.sameSite ?? '').toLowerCase();
  if (sameSite === 'none') line += '; SameSite=None';
  else if (sameSite === 'lax') line += '; SameSite=Lax';
  else if (sameSite === 'strict') line += '; SameSite=Strict';
  return line;
}

function appendSetCookie(headers: OutgoingHttpHeaders, line: string): void {
  const prior = headers['set-cookie'];
  if (prior === undefined) headers['set-cookie'] = line;
  else if (Array.isArray(prior)) prior.push(line);
  else headers['set-cookie'] = [String(prior), line];
}

/** Value of the first cookie called `name` in a Cookie header (quotes removed, as Go's req.Cookie). No allocation but the result. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const len = header.length;
  let start = 0;
  while (start < len) {
    let end = header.indexOf(';', start);
    if (end === -1) end = len;
    let i = start;
    while (i < end && (header.charCodeAt(i) === 32 || header.charCodeAt(i) === 9)) i++;
    if (header.startsWith(name, i) && i + name.length < end && header.charCodeAt(i + name.length) === 61) {
      let v = header.slice(i + name.length + 1, end).trim();
      if (v.length >= 2 && v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34) v = v.slice(1, -1);
      return v;
    }
    start = end + 1;
  }
  return undefined;
}
