/**
 * The forwardAuth cases of the shared Traefik conformance sample (middlewares.json), run in-process through
 * the middleware with a real loopback auth server answering as each case's `authServer` says (the answer and
 * the auth-request checks are shared with the black-box runner, test/conformance, which runs them against the
 * real process).
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
import { authServerAnswer, checkAuthCalls, type AuthCallRecord } from '../../../test/helpers/forward-auth-corpus.js';

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

const OWN_CONNECTION_HEADERS = new Set(['connection', 'keep-alive']);

function lowerKeys(h: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function headerValues(h: Record<string, unknown>, name: string): string[] {
  const v = h[name.toLowerCase()];
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/** An auth call as the shared corpus checks read it (header lines in order). */
function toRecord(call: AuthServer['calls'][number]): AuthCallRecord {
  const headers: [string, string][] = [];
  for (let i = 0; i < call.rawHeaders.length; i += 2) headers.push([call.rawHeaders[i], call.rawHeaders[i + 1]]);
  return { method: call.method, headers, body: call.body };
}

function check(c: TraefikCase, res: InjectResponse, auth: AuthServer): string[] {
  const problems: string[] = [];
  const e = c.expect;
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
  if (e.upstreamMethod !== undefined) expectEq('upstream method', res.upstream?.method, e.upstreamMethod);
  for (const [name, want] of Object.entries((e.upstreamHeaders ?? {}) as Record<string, string | string[]>)) {
    const got = headerValues((res.upstream?.headers ?? {}) as Record<string, unknown>, name);
    const wantList = Array.isArray(want) ? want : [want];
    if (got.join(', ') !== wantList.join(', ')) problems.push(`upstream header ${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(wantList)}`);
  }
  for (const name of (e.upstreamHeadersAbsent ?? []) as string[]) {
    if (headerValues((res.upstream?.headers ?? {}) as Record<string, unknown>, name).length > 0) problems.push(`upstream header ${name} should be absent`);
  }
  problems.push(...checkAuthCalls(e, auth.calls.map(toRecord)));
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
      auth.answer = authServerAnswer(c.authServer);
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
