import type { OutgoingHttpHeaders } from 'node:http';
import { goURLString } from '@portico/sdk';
import type { Exchange, ResponseModifier } from '@portico/sdk';
import type { AuthAnswer } from './auth-client.js';
import { HOP_HEADERS, canonicalHeaderKey, valuesOf } from './headers.js';

/** What to do with the authentication server's answer, compiled from the element's options. */
export interface ResponsePlan {
  /** authResponseHeaders, lower-cased. */
  copyHeaders: readonly string[];
  /** authResponseHeadersRegex, matched against Go-canonical names; null when not set. */
  copyRegex: RegExp | null;
  /** addAuthCookiesToResponse names (exact, case-sensitive as cookie names are). */
  authCookies: ReadonlySet<string>;
  /** headerField, lower-cased ('' = none). */
  userHeader: string;
  preserveLocationHeader: boolean;
  /** The address, to resolve a relative Location against (Go's Response.Location()). */
  address: string;
}

/**
 * 2xx: the listed headers of the request are replaced by the authentication server's (a client cannot
 * smuggle a value the auth server did not vouch for), and listed auth cookies are merged into the response.
 */
export function applyGrant(ex: Exchange, answer: AuthAnswer, plan: ResponsePlan): void {
  const h = ex.headers;
  for (const name of plan.copyHeaders) {
    delete h[name];
    const v = answer.headers[name];
    if (v !== undefined) h[name] = Array.isArray(v) ? [...v] : v;
  }
  const re = plan.copyRegex;
  if (re !== null) {
    for (const name of Object.keys(h)) if (re.test(canonicalHeaderKey(name))) delete h[name];
    for (const name in answer.headers) {
      if (!re.test(canonicalHeaderKey(name))) continue;
      const v = answer.headers[name];
      h[name] = Array.isArray(v) ? [...v] : v;
    }
  }
  const setCookies = valuesOf(answer.headers['set-cookie']);
  if (setCookies.length > 0) ex.onResponseHead(cookieMerger(setCookies, plan.authCookies));
}

/** The name of a Set-Cookie line, or null when it has none (Go's readSetCookies skips those). */
export function cookieName(line: string): string | null {
  const eq = line.indexOf('=');
  if (eq <= 0) return null;
  const semi = line.indexOf(';');
  if (semi !== -1 && semi < eq) return null;
  const name = line.slice(0, eq).trim();
  return name === '' ? null : name;
}

/**
 * Traefik's buildModifier: backend cookies named in addAuthCookiesToResponse are dropped, then the auth
 * server's cookies with those names are appended. Registered only when the auth answer set cookies, as Traefik
 * wraps the writer only then.
 */
function cookieMerger(authSetCookies: string[], names: ReadonlySet<string>): ResponseModifier {
  const added = authSetCookies.filter((line) => {
    const n = cookieName(line);
    return n !== null && names.has(n);
  });
  return (_status, headers: OutgoingHttpHeaders) => {
    let key = 'set-cookie';
    for (const k in headers) if (k.toLowerCase() === 'set-cookie') key = k;
    const backend = valuesOf(headers[key] as string | string[] | undefined).filter((line) => {
      const n = cookieName(line);
      return n !== null && !names.has(n);
    });
    const merged = [...backend, ...added];
    delete headers[key];
    if (merged.length > 0) headers['set-cookie'] = merged;
  };
}

/** The Location to relay, or null when the auth answer has none; `undefined` when it does not parse (500). */
function relayedLocation(answer: AuthAnswer, plan: ResponsePlan): string | null | undefined {
  const raw = valuesOf(answer.headers.location)[0];
  if (raw === undefined || raw === '') return null;
  if (plan.preserveLocationHeader) return goURLString(raw) ?? undefined;
  // Go's Response.Location(): the value resolved against the URL of the authentication request.
  if (goURLString(raw) === null) return undefined;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw)) return goURLString(raw) ?? undefined;
  try {
    return new URL(raw, plan.address).href;
  } catch {
    return undefined;
  }
}

/**
 * Not 2xx: the authentication answer goes to the client — its status, its headers minus hop-by-hop ones, its
 * body — with Location resolved as described above.
 */
export function relayDenial(ex: Exchange, answer: AuthAnswer, plan: ResponsePlan): void {
  const headers: OutgoingHttpHeaders = {};
  for (const name in answer.headers) {
    if (name === 'content-length' || HOP_HEADERS.includes(name)) continue;
    headers[name] = answer.headers[name];
  }
  const location = relayedLocation(answer, plan);
  if (location === undefined) {
    ex.respond(500);
    return;
  }
  if (location !== null) headers.location = location;
  ex.respond(answer.status, answer.body, headers);
}
