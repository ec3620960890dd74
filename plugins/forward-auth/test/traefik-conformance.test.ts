/**
 * The forwardAuth cases of the shared Traefik conformance sample (middlewares.json), run in-process through
 * the middleware with a real loopback auth server answering as each case's `authServer` says. The black-box
 * runner (test/conformance) does not start auth servers, so this is where these cases are checked — the
 * component ones (`forwardAuth.writeHeader`: the headers sent to the auth server) included.
 *
 * The corpus lives outside the repository ($PORTICO_SHARED_DIR or ../shared); without it the suite is skipped.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inject, type InjectResponse } from '@portico/sdk/testing';
import plugins from '../src/index.js';
import { startAuthServer, type AuthServer } from './auth-server.js';

interface TraefikCase {
  id: string;
  middleware: string;
  desc: string;
  config: Record<string, unknown>;
  request: { method?: string; path?: string; query?: string; host?: string; headers?: Record<string, string | string[]>; body?: string; cancelWhileWaiting?: boolean };
  authServer?: { status: number; headers?: Record<string, string | string[]>; body?: string };
  backend?: { status: number; headers?: Record<string, string | string[]>; body?: string };
  expect: Record<string, unknown>;
}

const sharedDir = process.env.PORTICO_SHARED_DIR ?? fileURLToPath(new URL('../../../../shared', import.meta.url));
const corpus = `${sharedDir}/conformance/middlewares.json`;
const cases: TraefikCase[] = existsSync(corpus) ? (JSON.parse(readFileSync(corpus, 'utf8')) as TraefikCase[]).filter((c) => c.middleware === 'forwardAuth') : [];

/** Cases this in-process run cannot reproduce, with the reason. */
const NOT_REPRODUCED: Record<string, string> = {
  // The client must go away while the auth call is pending; covered by forward-auth.test.ts over a socket.
  cancelWhileWaiting: 'client cancellation (checked over a real socket in forward-auth.test.ts)',
};

/** Headers the entrypoint or the HTTP client add on their own: not part of an exact auth-request header set. */
const TRANSPORT = new Set(['host', 'connection', 'content-length', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-server']);

/** Go's http.Redirect body, which the Go test's auth server writes with its Location. */
function goRedirectBody(location: string, status: number): string {
  return `<a href="${location}">${status === 301 ? 'Moved Permanently' : 'Found'}</a>.\n\n`;
}

const OWN_CONNECTION_HEADERS = new Set(['connection', 'keep-alive']);

function lowerKeys(h: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function headerValues(h: Record<string, unknown>, name: string): string[] {
  const v = h[name.toLowerCase()];
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

function check(c: TraefikCase, res: InjectResponse, auth: AuthServer): string[] {
  const problems: string[] = [];
  const e = c.expect;
  const authCall = auth.calls.at(-1);
  const expectEq = (what: string, got: unknown, want: unknown) => {
    if (String(got) !== String(want)) problems.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  if (e.status !== undefined) expectEq('status', res.status, e.status);
  if (e.body !== undefined) expectEq('body', res.text, e.body);
  if (e.bodyNotEmpty === true && res.body.length === 0) problems.push('body is empty');
  if (e.location !== undefined) expectEq('Location', res.headers.location, e.location);
  if (e.noLocation === true && res.headers.location !== undefined) problems.push(`unexpected Location ${res.headers.location}`);
  for (const [name, want] of Object.entries((e.responseHeaders ?? {}) as Record<string, string | null>)) {
    const got = headerValues(res.headers, name);
    if (want === null) {
      if (got.length > 0) problems.push(`response header ${name} should be absent`);
    } else expectEq(`response header ${name}`, got.join(', '), want);
  }
  for (const name of (e.responseHeadersAbsent ?? []) as string[]) {
    const got = headerValues(res.headers, name);
    // Node's server writes its own Connection/Keep-Alive on every response; what must not appear is the auth
    // server's value.
    const relayed = OWN_CONNECTION_HEADERS.has(name.toLowerCase()) ? got.filter((v) => headerValues(lowerKeys(c.authServer?.headers ?? {}), name).includes(v)) : got;
    if (relayed.length > 0) problems.push(`response header ${name} should be absent, got ${relayed.join(', ')}`);
  }
  for (const [name, want] of Object.entries((e.responseHeadersExactValues ?? {}) as Record<string, string[]>)) {
    expectEq(`response header ${name} values`, JSON.stringify(headerValues(res.headers, name)), JSON.stringify(want));
  }
  const upstreamCalls = res.upstreamCalls.length;
  if (e.upstreamCalled !== undefined) expectEq('upstream called', upstreamCalls > 0, e.upstreamCalled);
  if (e.upstreamCalls !== undefined) expectEq('upstream calls', upstreamCalls, e.upstreamCalls);
  if (e.authServerCalls !== undefined) expectEq('auth server calls', auth.calls.length, e.authServerCalls);
  if (e.authRequestBody !== undefined) expectEq('auth request body', authCall?.body, e.authRequestBody);
  if (e.authRequestMethod !== undefined) expectEq('auth request method', authCall?.method, e.authRequestMethod);
  if (e.upstreamMethod !== undefined) expectEq('upstream method', res.upstream?.method, e.upstreamMethod);
  for (const [name, want] of Object.entries((e.upstreamHeaders ?? {}) as Record<string, string | string[]>)) {
    const got = headerValues((res.upstream?.headers ?? {}) as Record<string, unknown>, name);
    const wantList = Array.isArray(want) ? want : [want];
    if (got.join(', ') !== wantList.join(', ')) problems.push(`upstream header ${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(wantList)}`);
  }
  for (const name of (e.upstreamHeadersAbsent ?? []) as string[]) {
    if (headerValues((res.upstream?.headers ?? {}) as Record<string, unknown>, name).length > 0) problems.push(`upstream header ${name} should be absent`);
  }
  if (e.authRequestHeaders !== undefined) {
    if (authCall === undefined) return [...problems, 'the auth server was not called'];
    const want = e.authRequestHeaders as Record<string, string>;
    for (const [name, value] of Object.entries(want)) {
      const got = headerValues(authCall.headers, name);
      // "" for User-Agent: Traefik sends none.
      if (value === '') {
        if (got.length > 0 && got[0] !== '') problems.push(`auth request header ${name} should be absent, got ${got[0]}`);
      } else expectEq(`auth request header ${name}`, got.join(', '), value);
    }
    if (e.authRequestHeadersExact === true) {
      const wanted = new Set(Object.keys(want).map((n) => n.toLowerCase()));
      const extra = Object.keys(authCall.headers).filter((n) => !TRANSPORT.has(n) && !wanted.has(n));
      if (extra.length > 0) problems.push(`unexpected auth request headers: ${extra.join(', ')}`);
    }
  }
  return problems;
}

describe('forwardAuth: Traefik conformance sample (middlewares.json)', { skip: cases.length === 0 ? `no corpus at ${corpus}` : false }, () => {
  const results = { pass: 0, fail: 0, skipped: 0 };
  let auth: AuthServer;
  after(async () => {
    await auth?.close();
    console.log(`forwardAuth conformance: ${results.pass} passed, ${results.fail} failed, ${results.skipped} not reproduced in-process (of ${cases.length})`);
  });

  for (const c of cases) {
    const unsupported = Object.keys(c.request ?? {}).filter((k) => NOT_REPRODUCED[k] !== undefined && (c.request as Record<string, unknown>)[k]);
    test(`${c.id}: ${c.desc}`, { skip: unsupported.length > 0 ? NOT_REPRODUCED[unsupported[0]] : false }, async () => {
      auth ??= await startAuthServer();
      auth.calls.length = 0;
      const a = c.authServer ?? { status: 200 };
      const location = a.headers?.Location;
      const body = a.body ?? (typeof location === 'string' && a.status >= 300 && a.status < 400 ? goRedirectBody(location, a.status) : '');
      auth.answer = { status: a.status, headers: a.headers, body };
      const config = JSON.parse(JSON.stringify(c.config).replaceAll('<auth server>', auth.url));
      const r = c.request;
      const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
      if (r.host !== undefined) headers.Host = r.host;
      const res = await inject(
        { plugin: plugins, config },
        { method: r.method, path: `${r.path ?? '/'}${r.query !== undefined ? `?${r.query}` : ''}`, headers, body: r.body },
        { forwardedHeaders: { insecure: true }, upstream: c.backend ?? { status: 200 } },
      );
      const problems = check(c, res, auth);
      if (problems.length === 0) results.pass++;
      else results.fail++;
      assert.deepEqual(problems, [], `${c.id}: ${problems.join('; ')}`);
    });
    if (unsupported.length > 0) results.skipped++;
  }
});
