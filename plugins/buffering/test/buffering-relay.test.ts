/**
 * buffering in front of the kernel's real relay (undici) and a real upstream socket: the request body handed on
 * as `ex.body` and the streamed response captured whole, as in production.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import plugins from '../src/index.js';
import { buildMiddleware, createTestContext, findPlugin, startHarness } from '../../../test/helpers/middleware-harness.js';
import type { Handler } from '@portico/sdk';
import { relay } from '../../../core/src/proxy/relay.js';
import { DEFAULT_TRANSPORT, PoolCache, parseServerUrl } from '../../../core/src/proxy/upstream-target.js';

const plugin = findPlugin(plugins, 'buffering');
const pools = new PoolCache();
let upstream: http.Server;
let seen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];

before(async () => {
  // Echoes the request body back in 3-byte chunks, without a Content-Length (chunked).
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
      const parts = body.match(/.{1,3}/gs) ?? [];
      const next = () => {
        const p = parts.shift();
        if (p === undefined) res.end();
        else res.write(p, () => setImmediate(next));
      };
      next();
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
});
after(async () => {
  await pools.closeAll();
  await new Promise<void>((r) => upstream.close(() => r()));
});

async function roundTrip(config: Record<string, unknown>, body: string, headers: Record<string, string> = {}) {
  seen = [];
  const target = parseServerUrl(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, false, (o) => pools.get(o, DEFAULT_TRANSPORT));
  // The kernel's relay is imported from source while the SDK's Exchange type may come from core's build: one class.
  const terminal: Handler = (ex) => relay(ex as unknown as Parameters<typeof relay>[0], target, { passHostHeader: true });
  const mw = await buildMiddleware(plugin, config, createTestContext());
  const h = await startHarness({ middlewares: mw, terminal });
  try {
    const res = await h.request({ method: 'POST', body, headers });
    assert.deepEqual(h.errors, []);
    return res;
  } finally {
    await h.close();
  }
}

describe('buffering through the relay', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; body: string; chunked: boolean; status: number; resBody: string; upstreamCalled: boolean }> = [
    { desc: 'chunked request reaches the upstream with its length; streamed answer comes back whole', config: {}, body: 'hello buffering', chunked: true, status: 200, resBody: 'hello buffering', upstreamCalled: true },
    { desc: 'sized request under both limits', config: { maxRequestBodyBytes: 20, maxResponseBodyBytes: 20 }, body: 'hello buffering', chunked: false, status: 200, resBody: 'hello buffering', upstreamCalled: true },
    { desc: 'request over the limit never reaches the upstream', config: { maxRequestBodyBytes: 5 }, body: 'hello buffering', chunked: true, status: 413, resBody: 'Request Entity Too Large', upstreamCalled: false },
    { desc: 'streamed answer over the limit becomes a 500', config: { maxResponseBodyBytes: 10 }, body: 'hello buffering', chunked: false, status: 500, resBody: 'Internal Server Error', upstreamCalled: true },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const res = await roundTrip(c.config, c.body, c.chunked ? { 'transfer-encoding': 'chunked' } : {});
      assert.equal(res.status, c.status);
      assert.equal(res.body, c.resBody);
      assert.equal(res.headers['content-length'], String(c.resBody.length));
      assert.equal(seen.length, c.upstreamCalled ? 1 : 0);
      if (c.upstreamCalled) {
        assert.equal(seen[0].body, c.body);
        assert.equal(seen[0].headers['content-length'], String(c.body.length));
        assert.equal(seen[0].headers['transfer-encoding'], undefined);
      }
      if (c.status === 200) assert.equal(res.headers['x-upstream'], 'yes');
    });
  }
});
