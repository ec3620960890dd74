/**
 * How the Traefik corpus (middlewares.json) describes a forwardAuth case's auth server, shared by the
 * plugin's in-process run (plugins/forward-auth/test/traefik-conformance.test.ts) and the black-box runner
 * (test/conformance): the answer the fake auth server gives, and the checks on what it received.
 */
import { STATUS_CODES } from 'node:http';

/** A case's `authServer` block. */
export interface AuthServerSpec {
  status?: number;
  /** A list value means repeated header lines. */
  headers?: Record<string, string | string[]>;
  body?: string;
}

export interface AuthServerAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** What the auth server received, header lines in order (names as sent). */
export interface AuthCallRecord {
  method: string;
  headers: [string, string][];
  body: string;
}

/** Expectation keys about the auth request; checked together by checkAuthCalls. */
export const AUTH_EXPECT_KEYS: readonly string[] = ['authServerCalls', 'authRequestHeaders', 'authRequestHeadersExact', 'authRequestMethod', 'authRequestBody'];

/** Headers the entrypoint or the HTTP client add on their own: not part of an exact auth-request header set. */
export const AUTH_REQUEST_TRANSPORT: ReadonlySet<string> = new Set(['host', 'connection', 'content-length', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-server']);

/** Go's http.Redirect body for a GET, which the Go test's auth server writes along with its Location. */
export function goRedirectBody(location: string, status: number): string {
  const escaped = location.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[ch]!);
  return `<a href="${escaped}">${STATUS_CODES[status] ?? ''}</a>.\n\n`;
}

/**
 * The auth server's answer: as described, and for a 3xx with a Location but no body what Go's http.Redirect
 * writes (the Go test redirects with it): its HTML body and Content-Type.
 */
export function authServerAnswer(spec: AuthServerSpec = { status: 200 }): AuthServerAnswer {
  const status = spec.status ?? 200;
  const headers = { ...(spec.headers ?? {}) };
  const location = headers.Location;
  if (spec.body === undefined && typeof location === 'string' && status >= 300 && status < 400) {
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'text/html; charset=utf-8';
    return { status, headers, body: goRedirectBody(location, status) };
  }
  return { status, headers, body: spec.body ?? '' };
}

function values(headers: [string, string][], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** Mismatches between the auth-request expectations of `expect` and the calls the auth server received. */
export function checkAuthCalls(expect: Record<string, unknown>, calls: AuthCallRecord[]): string[] {
  const problems: string[] = [];
  const last = calls.at(-1);
  if (expect.authServerCalls !== undefined && calls.length !== expect.authServerCalls) {
    problems.push(`auth server called ${calls.length} time(s), expected ${String(expect.authServerCalls)}`);
  }
  const needsCall = ['authRequestHeaders', 'authRequestMethod', 'authRequestBody'].some((k) => expect[k] !== undefined);
  if (!needsCall) return problems;
  if (last === undefined) return [...problems, 'the auth server was not called'];
  if (expect.authRequestMethod !== undefined && last.method !== expect.authRequestMethod) {
    problems.push(`auth request method ${last.method}, expected ${String(expect.authRequestMethod)}`);
  }
  if (expect.authRequestBody !== undefined && last.body !== expect.authRequestBody) {
    problems.push(`auth request body ${JSON.stringify(last.body)}, expected ${JSON.stringify(expect.authRequestBody)}`);
  }
  const want = (expect.authRequestHeaders ?? {}) as Record<string, string>;
  for (const [name, value] of Object.entries(want)) {
    const got = values(last.headers, name);
    // "" (User-Agent): Traefik sets an empty value, so Go's client sends none.
    if (value === '') {
      if (got.some((v) => v !== '')) problems.push(`auth request header ${name} should be absent, got ${JSON.stringify(got)}`);
    } else if (got.join(', ') !== value) {
      problems.push(`auth request header ${name}: got ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`);
    }
  }
  if (expect.authRequestHeadersExact === true) {
    const wanted = new Set(Object.keys(want).map((n) => n.toLowerCase()));
    const extra = [...new Set(last.headers.map(([n]) => n.toLowerCase()))].filter((n) => !AUTH_REQUEST_TRANSPORT.has(n) && !wanted.has(n));
    if (extra.length > 0) problems.push(`unexpected auth request headers: ${extra.join(', ')}`);
  }
  return problems;
}
