/**
 * forwardAuth over real sockets: client cancellation during the auth call, and the `tls` options against an
 * https auth server that requires a client certificate (fixtures/: test-only CA, server and client certs).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inject } from '@portico/sdk/testing';
import { buildMiddleware, createTestContext, fakeUpstream, findPlugin, startHarness } from '../../../test/helpers/middleware-harness.js';
import { waitFor } from '../../../test/helpers/poll.js';
import plugins from '../src/index.js';
import { startAuthServer } from './auth-server.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const plugin = findPlugin(plugins, 'forwardAuth');

describe('forwardAuth: client cancellation', () => {
  test('a client that leaves during the auth call aborts it; the service is never called', async () => {
    const auth = await startAuthServer();
    auth.answer = { hang: true };
    const ctx = createTestContext();
    const upstream = fakeUpstream({ status: 200 });
    const h = await startHarness({ middlewares: await buildMiddleware(plugin, { address: `${auth.url}/auth` }, ctx), terminal: upstream.handler });
    try {
      const req = http.request({ host: '127.0.0.1', port: h.port, path: '/', agent: false });
      req.on('error', () => {});
      req.end();
      await waitFor(() => auth.calls.length === 1, { message: 'the auth server got the call' });
      req.destroy();
      await waitFor(() => h.exchanges[0]?.status === 499, { message: 'the exchange records 499 (client closed request)' });
      await waitFor(() => auth.closedCalls() === 1, { message: 'the pending auth call is abandoned' });
      assert.equal(upstream.calls.length, 0);
      assert.deepEqual(h.errors, []);
    } finally {
      await h.close();
      await ctx.runCleanups();
      await auth.close();
    }
  });
});

describe('forwardAuth: tls', async () => {
  const auth = await startAuthServer({
    cert: readFileSync(fixture('server.pem')),
    key: readFileSync(fixture('server.key')),
    ca: readFileSync(fixture('ca.pem')),
    requestCert: true,
    rejectUnauthorized: true,
  });
  after(() => auth.close());
  const address = () => `${auth.url}/?status=200`;

  const table: { desc: string; tls: Record<string, unknown>; status: number }[] = [
    { desc: 'CA, client certificate and key from files', tls: { ca: fixture('ca.pem'), cert: fixture('client.pem'), key: fixture('client.key') }, status: 200 },
    {
      desc: 'the same given inline as PEM',
      tls: { ca: readFileSync(fixture('ca.pem'), 'utf8'), cert: readFileSync(fixture('client.pem'), 'utf8'), key: readFileSync(fixture('client.key'), 'utf8') },
      status: 200,
    },
    { desc: 'insecureSkipVerify instead of the CA', tls: { insecureSkipVerify: true, cert: fixture('client.pem'), key: fixture('client.key') }, status: 200 },
    { desc: 'no CA: the server certificate is not trusted (500)', tls: { cert: fixture('client.pem'), key: fixture('client.key') }, status: 500 },
    { desc: 'no client certificate: the server refuses the handshake (500)', tls: { ca: fixture('ca.pem') }, status: 500 },
  ];
  for (const row of table) {
    test(row.desc, async () => {
      const res = await inject({ plugin, config: { address: address(), tls: row.tls } }, { path: '/' });
      assert.equal(res.status, row.status, res.text);
    });
  }

  test('caOptional is accepted with a deprecation warning', async () => {
    const ctx = createTestContext();
    await buildMiddleware(plugin, { address: address(), tls: { caOptional: true } }, ctx);
    assert.match(ctx.warnings.join('\n'), /caOptional is deprecated/);
    await ctx.runCleanups();
  });

  test('a certificate that does not parse is a configuration error on tls', async () => {
    await assert.rejects(buildMiddleware(plugin, { address: address(), tls: { cert: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----', key: fixture('client.key') } }), (err: Error & { path?: string }) => {
      assert.equal(err.path, 'tls');
      return true;
    });
  });
});

describe('forwardAuth: connection reuse', () => {
  test('successive auth calls reuse a pooled connection', async () => {
    const auth = await startAuthServer();
    const ctx = createTestContext();
    const mw = await buildMiddleware(plugin, { address: `${auth.url}/?status=200` }, ctx);
    const h = await startHarness({ middlewares: mw, terminal: fakeUpstream({ status: 200 }).handler });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await h.request({ path: '/' })).status, 200);
      assert.equal(auth.calls.length, 3);
      assert.equal(auth.connections(), 1, 'one connection for three calls');
    } finally {
      await h.close();
      await ctx.runCleanups();
      await auth.close();
    }
  });
});
