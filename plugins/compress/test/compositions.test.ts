/**
 * compress composed with the other response-transforming middlewares, through the kernel's real relay (undici)
 * and a real upstream socket — the setting where compress + contentType used to crash the process
 * (ERR_HTTP_HEADERS_SENT thrown from a zlib callback) before the kernel's response layers.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Handler, MiddlewareFactory } from '@portico/sdk';
import compressPlugins from '../src/index.js';
import contentTypePlugins from '../../content-type/src/index.js';
import bufferingPlugins from '../../buffering/src/index.js';
import headersPlugins from '../../headers/src/index.js';
import retryPlugins from '../../retry/src/index.js';
import { buildMiddleware, findPlugin, startHarness } from '../../../test/helpers/middleware-harness.js';
import { relay } from '../../../core/src/proxy/relay.js';
import { DEFAULT_TRANSPORT, PoolCache, parseServerUrl } from '../../../core/src/proxy/upstream-target.js';
import { decodeBody, rawRequest } from './raw-client.js';

const build = async (plugins: Parameters<typeof findPlugin>[0], type: string, config: Record<string, unknown> = {}) => buildMiddleware(findPlugin(plugins, type), config);
const compress = (config: Record<string, unknown> = {}) => build(compressPlugins, 'compress', config);
const contentType = () => build(contentTypePlugins, 'contentType');
const buffering = (config: Record<string, unknown> = {}) => build(bufferingPlugins, 'buffering', config);

const HTML = Buffer.from(`<html><body>${'<p>hello layered responses</p>'.repeat(100)}</body></html>`);

/** Upstream routes: what a real backend sends, as the relay receives it. */
const routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void> = {
  '/html-sized': (_req, res) => {
    res.writeHead(200, { 'content-length': HTML.length }); // no Content-Type: contentType sniffs it
    res.end(HTML);
  },
  '/html-chunked': (_req, res) => {
    res.writeHead(200, {});
    res.write(HTML.subarray(0, 10));
    setTimeout(() => res.end(HTML.subarray(10)), 5);
  },
  '/sse': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: one\n\n');
    sseRelease.then(() => res.end('data: two\n\n'));
  },
};
let sseRelease: Promise<void> = Promise.resolve();
let flaky = 0;
const pools = new PoolCache();
let upstream: http.Server;
let port = 0;

before(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url === '/flaky') {
      // 503 on the first call of each pair, then 200: a retry (or retryExpression) must hide the 503.
      const n = flaky++;
      res.writeHead(n % 2 === 0 ? 503 : 200, { 'content-type': 'text/plain', 'content-length': HTML.length });
      return res.end(HTML);
    }
    (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  port = (upstream.address() as AddressInfo).port;
});
after(async () => {
  await pools.closeAll();
  await new Promise<void>((r) => upstream.close(() => r()));
});

function relayTo(path: string, toPort = port): Handler {
  const target = parseServerUrl(`http://127.0.0.1:${toPort}`, false, (o) => pools.get(o, DEFAULT_TRANSPORT));
  return (ex) => {
    ex.path = path;
    return relay(ex as unknown as Parameters<typeof relay>[0], target, { passHostHeader: true });
  };
}

async function through(middlewares: MiddlewareFactory[], terminal: Handler, headers: Record<string, string> = { 'Accept-Encoding': 'gzip' }) {
  const h = await startHarness({ middlewares, terminal });
  try {
    const res = await rawRequest(h.port, { headers });
    return { res, errors: h.errors, ex: h.exchanges[0] };
  } finally {
    await h.close();
  }
}

describe('compress + contentType (the crash that kept compress disabled)', () => {
  for (const order of ['compress outside', 'contentType outside'] as const) {
    for (const path of ['/html-sized', '/html-chunked']) {
      test(`${order}, ${path}: compressed, sniffed, no crash`, async () => {
        const mws = order === 'compress outside' ? [await compress(), await contentType()] : [await contentType(), await compress()];
        const { res, errors } = await through(mws, relayTo(path));
        assert.deepEqual(errors, []);
        assert.equal(res.status, 200);
        assert.equal(res.headers['content-encoding'], 'gzip');
        // Sniffing needs the uncompressed bytes: contentType inside compress (documented in docs/middlewares.md).
        assert.equal(res.headers['content-type'], order === 'compress outside' ? 'text/html; charset=utf-8' : undefined);
        assert.ok(decodeBody(res).equals(HTML));
      });
    }
  }
});

describe('compress + buffering', () => {
  for (const order of ['buffering outside', 'compress outside'] as const) {
    test(`${order}: one complete compressed answer with its length`, async () => {
      const mws = order === 'buffering outside' ? [await buffering(), await compress()] : [await compress(), await buffering()];
      const { res, errors, ex } = await through(mws, relayTo('/html-chunked'));
      assert.deepEqual(errors, []);
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.ok(decodeBody(res).equals(HTML));
      if (order === 'buffering outside') assert.equal(res.headers['content-length'], String(res.body.length), 'buffering sizes the compressed body');
      assert.equal(ex.bytesWritten, res.body.length, 'the access log counts the compressed bytes');
    });
  }

  test('buffering limit applies to the compressed bytes when buffering is outside', async () => {
    const { res } = await through([await buffering({ maxResponseBodyBytes: 50 }), await compress()], relayTo('/html-sized'));
    assert.equal(res.status, 500);
  });
});

describe('buffering + retry', () => {
  test('retry outside buffering: the 503 is discarded, the 200 is buffered and sent', async () => {
    flaky = 0;
    const retry = await build(retryPlugins, 'retry', { attempts: 2, status: ['503'] });
    const { res, errors, ex } = await through([retry, await buffering(), await compress()], relayTo('/flaky'));
    assert.deepEqual(errors, []);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'gzip', 'compressed once');
    assert.ok(decodeBody(res).equals(HTML));
    assert.equal(ex.retryAttempts, 1);
  });

  test('buffering retryExpression replays on 503; compress inside is not stacked twice', async () => {
    flaky = 0;
    const mws = [await buffering({ retryExpression: 'ResponseCode() == 503 && Attempts() < 3' }), await compress()];
    const { res, errors } = await through(mws, relayTo('/flaky'));
    assert.deepEqual(errors, []);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.ok(decodeBody(res).equals(HTML), 'decodes once to the original body');
  });

  test('buffering retryExpression replays a network error', async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    let calls = 0;
    const terminal: Handler = (ex) => (calls++ === 0 ? relayTo('/html-sized', deadPort)(ex) : relayTo('/html-sized')(ex));
    const { res } = await through([await buffering({ retryExpression: 'IsNetworkError() && Attempts() < 2' })], terminal, {});
    assert.equal(calls, 2);
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(HTML));
  });

  test('buffering retryExpression gives up when the expression says so: the last answer goes out', async () => {
    flaky = 0;
    const { res } = await through([await buffering({ retryExpression: 'ResponseCode() == 503 && Attempts() < 1' })], relayTo('/flaky'), {});
    assert.equal(res.status, 503);
    assert.ok(res.body.equals(HTML));
  });
});

describe('headers + compress', () => {
  /** Records the Content-Encoding each head modifier sees, to check where it sits relative to compress. */
  const seen: string[] = [];
  const probe: MiddlewareFactory = (next) => (ex) => {
    ex.onResponseHead((_s, h) => void seen.push(String(h['content-encoding'] ?? 'none')));
    return next(ex);
  };
  for (const [desc, outside, expected] of [
    ['a head modifier outside compress sees the compressed head', true, 'gzip'],
    ['a head modifier inside compress sees the upstream head', false, 'none'],
  ] as const) {
    test(desc, async () => {
      seen.length = 0;
      const headers = await build(headersPlugins, 'headers', { customResponseHeaders: { 'X-Custom': 'yes' } });
      const c = await compress();
      const { res } = await through(outside ? [headers, probe, c] : [headers, c, probe], relayTo('/html-sized'));
      assert.deepEqual(seen, [expected]);
      assert.equal(res.headers['x-custom'], 'yes');
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.ok(decodeBody(res).equals(HTML));
    });
  }
});

describe('streams through compress', () => {
  test('SSE: the first event arrives compressed while the stream is open', { timeout: 5000 }, async () => {
    let release!: () => void;
    sseRelease = new Promise<void>((r) => (release = r));
    const h = await startHarness({ middlewares: [await compress(), await contentType()], terminal: relayTo('/sse') });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: h.port, path: '/', headers: { 'Accept-Encoding': 'gzip' }, agent: false }, (res) => {
          assert.equal(res.headers['content-encoding'], 'gzip');
          const gunzip = zlib.createGunzip();
          res.pipe(gunzip);
          gunzip.once('data', (c: Buffer) => resolve(c.toString()));
          gunzip.on('error', reject);
        }).on('error', reject);
        setTimeout(() => reject(new Error('first event not received while the stream is open')), 2000).unref();
      });
      assert.equal(first, 'data: one\n\n');
    } finally {
      release();
      await h.close();
    }
  });

  test('a body far larger than the socket buffers: backpressure holds, memory stays bounded', { timeout: 30000 }, async () => {
    const SIZE = 64 * 1024 * 1024;
    const block = randomBytes(1024 * 1024); // incompressible: compressed output is as large as the input
    let produced = 0;
    const big = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = () => {
        while (produced < SIZE) {
          produced += block.length;
          if (!res.write(block)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', r));
    const bigPort = (big.address() as AddressInfo).port;
    const h = await startHarness({ middlewares: [await compress({ minResponseBodyBytes: 1 }), await contentType()], terminal: relayTo('/', bigPort) });
    try {
      const { hash, paused, peak } = await new Promise<{ hash: string; paused: number; peak: number }>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: h.port, path: '/', headers: { 'Accept-Encoding': 'gzip' }, agent: false }, (res) => {
          const sha = createHash('sha256');
          const gunzip = zlib.createGunzip();
          let pausedAt = 0;
          let peakMem = 0;
          res.pause();
          // The client reads nothing for a while: the upstream must stop long before the body is produced.
          setTimeout(() => {
            pausedAt = produced;
            res.pipe(gunzip);
          }, 500);
          // What the proxy holds for this response: bytes queued towards the client socket.
          const sample = setInterval(() => {
            const out = h.exchanges[0]?.res;
            if (out !== undefined) peakMem = Math.max(peakMem, out.writableLength);
          }, 5);
          gunzip.on('data', (c: Buffer) => sha.update(c));
          gunzip.on('end', () => {
            clearInterval(sample);
            resolve({ hash: sha.digest('hex'), paused: pausedAt, peak: peakMem });
          });
          gunzip.on('error', reject);
        }).on('error', reject);
      });
      assert.ok(paused < 16 * 1024 * 1024, `upstream produced ${paused} bytes while the client read nothing`);
      assert.ok(peak < 4 * 1024 * 1024, `the proxy queued up to ${peak} bytes for the client of a ${SIZE}-byte body`);
      const expected = createHash('sha256');
      for (let i = 0; i < SIZE / block.length; i++) expected.update(block);
      assert.equal(hash, expected.digest('hex'));
    } finally {
      await h.close();
      await new Promise<void>((r) => big.close(() => r()));
    }
  });
});
