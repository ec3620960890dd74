// inject() runs in memory what the socket harness (test/helpers/middleware-harness.ts) runs over a real
// loopback server: for the same middleware, request and upstream answer, both must see the same thing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Plugin } from '../src/index.js';
import { inject } from '../src/testing/index.js';
import { buildMiddleware, fakeUpstream, startHarness, type UpstreamBehaviour } from '../../test/helpers/middleware-harness.js';
import addPrefix from '../../plugins/add-prefix/src/index.js';
import stripPrefix from '../../plugins/strip-prefix/src/index.js';
import headers from '../../plugins/headers/src/index.js';
import basicAuth from '../../plugins/basic-auth/src/index.js';
import redirectScheme from '../../plugins/redirect-scheme/src/index.js';
import buffering from '../../plugins/buffering/src/index.js';
import compress from '../../plugins/compress/src/index.js';
import retry from '../../plugins/retry/src/index.js';

interface AgreementCase {
  desc: string;
  plugins: Plugin[];
  config: Record<string, unknown>;
  request: { method?: string; path?: string; headers?: Record<string, string>; body?: string };
  answer: { status?: number; headers?: Record<string, string>; body?: string } | 'network-error';
}

const TEST_USER = 'test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'; // test:test (Traefik's docs)
const longText = 'portico '.repeat(200);

const cases: AgreementCase[] = [
  { desc: 'addPrefix rewrites the path, query kept', plugins: addPrefix, config: { prefix: '/api' }, request: { path: '/x?y=1' }, answer: { body: 'ok' } },
  { desc: 'stripPrefix strips and sets X-Forwarded-Prefix', plugins: stripPrefix, config: { prefixes: ['/api'] }, request: { path: '/api/users' }, answer: { status: 204 } },
  {
    desc: 'headers sets request and response headers',
    plugins: headers,
    config: { customRequestHeaders: { 'X-Req': 'r' }, customResponseHeaders: { 'X-Custom': 'v', Server: '' } },
    request: { path: '/' },
    answer: { headers: { Server: 'upstream', 'Content-Type': 'text/plain' }, body: 'hi' },
  },
  { desc: 'basicAuth challenges a request without credentials', plugins: basicAuth, config: { users: [TEST_USER] }, request: { path: '/private' }, answer: { body: 'secret' } },
  { desc: 'basicAuth lets valid credentials through', plugins: basicAuth, config: { users: [TEST_USER], headerField: 'X-User' }, request: { path: '/private', headers: { authorization: `Basic ${Buffer.from('test:test').toString('base64')}` } }, answer: { body: 'secret' } },
  { desc: 'redirectScheme redirects to https', plugins: redirectScheme, config: { scheme: 'https', permanent: true }, request: { path: '/a?b=c' }, answer: { body: 'never' } },
  { desc: 'buffering refuses a body over the limit', plugins: buffering, config: { maxRequestBodyBytes: 4 }, request: { method: 'POST', path: '/up', body: 'too long' }, answer: { body: 'never' } },
  { desc: 'buffering forwards a body under the limit', plugins: buffering, config: { maxRequestBodyBytes: 64 }, request: { method: 'POST', path: '/up', body: 'fits' }, answer: { body: 'stored' } },
  { desc: 'compress gzips a large text response', plugins: compress, config: {}, request: { headers: { 'accept-encoding': 'gzip' } }, answer: { headers: { 'Content-Type': 'text/plain' }, body: longText } },
  { desc: 'retry gives up on a refused upstream with 502', plugins: retry, config: { attempts: 2 }, request: { path: '/flaky' }, answer: 'network-error' },
];

/** Headers whose value depends on the transport or the clock, or that only the entrypoint adds. */
const RESPONSE_VARYING = new Set(['date', 'connection', 'keep-alive']);
const FORWARDED = new Set(['x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-server', 'x-real-ip', 'connection', 'host']);

function without(h: IncomingHttpHeaders | Record<string, unknown>, drop: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(h).filter(([k, v]) => !drop.has(k) && v !== undefined));
}

describe('inject agrees with a real socket run of the same middleware', () => {
  for (const c of cases) {
    test(c.desc, async () => {
      const request = { ...c.request, headers: { host: 'example.test', ...c.request.headers } };
      const plugin = c.plugins[0];
      // Over sockets: the harness server, a middleware built by the harness, its fake upstream.
      const upstream = fakeUpstream(c.answer as UpstreamBehaviour);
      const harness = await startHarness({ middlewares: await buildMiddleware(plugin as never, c.config), terminal: upstream.handler, clientIp: '127.0.0.1' });
      let viaSocket;
      try {
        viaSocket = await harness.request(request);
      } finally {
        await harness.close();
      }
      // In memory: the test kit.
      const viaInject = await inject({ plugin: c.plugins, config: c.config }, request, { upstream: c.answer === 'network-error' ? { fail: 'refused' } : c.answer });

      assert.equal(viaInject.status, viaSocket.status);
      assert.deepEqual(without(viaInject.headers, RESPONSE_VARYING), without(viaSocket.headers, RESPONSE_VARYING));
      if (viaInject.headers['content-encoding'] === 'gzip') {
        // The harness keeps bodies as UTF-8 text, which mangles binary: compare what the client decompresses.
        assert.equal(gunzipSync(viaInject.body).toString(), (c.answer as { body: string }).body);
      } else assert.equal(viaInject.text, viaSocket.body);
      assert.equal(viaInject.upstreamCalls.length, upstream.calls.length);
      for (let i = 0; i < upstream.calls.length; i++) {
        const a = viaInject.upstreamCalls[i];
        const b = upstream.calls[i];
        assert.equal(a.method, b.method);
        assert.equal(a.path, b.path);
        assert.equal(a.body.toString(), b.body.toString());
        assert.equal(a.user, b.user);
        assert.deepEqual(without(a.headers, FORWARDED), without(b.headers, FORWARDED));
      }
    });
  }
});
