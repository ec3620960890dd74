import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import type { Handler } from '@portico/sdk';
import plugins from '../src/index.js';
import { buildMiddleware, configErrorOf, createTestContext, findPlugin, startHarness } from '../../../test/helpers/middleware-harness.js';
import { bytesUpstream, decodeBody, generateBytes, rawRequest, type BytesAnswer, type RawResponse } from './raw-client.js';

const plugin = findPlugin(plugins, 'compress');
const TEXT = Buffer.from('Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(100)); // 5700 bytes

async function run(config: Record<string, unknown>, answer: BytesAnswer | Handler, req: { method?: string; headers?: Record<string, string> } = {}) {
  const terminal = typeof answer === 'function' ? answer : bytesUpstream(answer).handler;
  const h = await startHarness({ middlewares: await buildMiddleware(plugin, config), terminal });
  try {
    const res = await rawRequest(h.port, req);
    assert.deepEqual(h.errors, []);
    return { res, ex: h.exchanges[0] };
  } finally {
    await h.close();
  }
}

const gzipReq = { headers: { 'Accept-Encoding': 'gzip' } };
const brReq = { headers: { 'Accept-Encoding': 'br' } };

interface Case {
  desc: string;
  config?: Record<string, unknown>;
  answer: BytesAnswer;
  req?: { method?: string; headers?: Record<string, string> };
  /** Expected Content-Encoding (undefined: sent as is). */
  encoding: string | undefined;
  vary?: string | undefined;
}

describe('compress: what is compressed, and how', () => {
  const cases: Case[] = [
    { desc: 'gzip for a large text body', answer: { body: TEXT }, req: gzipReq, encoding: 'gzip', vary: 'Accept-Encoding' },
    { desc: 'brotli when only br is accepted', answer: { body: TEXT }, req: brReq, encoding: 'br', vary: 'Accept-Encoding' },
    { desc: 'q-values: br preferred by weight', answer: { body: TEXT }, req: { headers: { 'Accept-Encoding': 'gzip;q=0.5, br;q=0.9' } }, encoding: 'br' },
    { desc: 'equal weights: configured order wins', config: { encodings: ['br', 'gzip'] }, answer: { body: TEXT }, req: { headers: { 'Accept-Encoding': 'gzip, br' } }, encoding: 'br' },
    { desc: 'zstd only: never negotiated on Node 20 (no zstd), sent as is', answer: { body: TEXT }, req: { headers: { 'Accept-Encoding': 'zstd' } }, encoding: undefined, vary: undefined },
    { desc: 'zstd first in encodings: falls through to br', config: { encodings: ['zstd', 'br', 'gzip'] }, answer: { body: TEXT }, req: { headers: { 'Accept-Encoding': 'zstd, br, gzip' } }, encoding: 'br' },
    { desc: 'no Accept-Encoding: not compressed', answer: { body: TEXT }, req: {}, encoding: undefined, vary: undefined },
    { desc: 'no Accept-Encoding with defaultEncoding br: br', config: { defaultEncoding: 'br' }, answer: { body: TEXT }, req: {}, encoding: 'br' },
    { desc: 'wildcard with defaultEncoding br: br', config: { defaultEncoding: 'br' }, answer: { body: TEXT }, req: { headers: { 'Accept-Encoding': '*' } }, encoding: 'br' },
    { desc: 'body below the default 1024 bytes: sent as is, still Vary', answer: { body: Buffer.from('x'.repeat(1023)) }, req: gzipReq, encoding: undefined, vary: 'Accept-Encoding' },
    { desc: 'body of exactly 1024 bytes: compressed', answer: { body: Buffer.from('x'.repeat(1024)) }, req: gzipReq, encoding: 'gzip' },
    { desc: 'minResponseBodyBytes lowered', config: { minResponseBodyBytes: 10 }, answer: { body: Buffer.from('0123456789') }, req: gzipReq, encoding: 'gzip' },
    { desc: 'empty body: sent as is', answer: { body: Buffer.alloc(0) }, req: gzipReq, encoding: undefined },
    { desc: 'backend already encoded: untouched', answer: { body: TEXT, headers: { 'Content-Encoding': 'deflate' } }, req: gzipReq, encoding: 'deflate' },
    { desc: 'excluded response type', config: { excludedContentTypes: ['text/plain'] }, answer: { body: TEXT, headers: { 'Content-Type': 'Text/Plain; charset=utf-8' } }, req: gzipReq, encoding: undefined },
    { desc: 'excluded type with parameters needs the same parameters', config: { excludedContentTypes: ['text/plain; charset=ascii'] }, answer: { body: TEXT, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }, req: gzipReq, encoding: 'gzip' },
    { desc: 'application/grpc response never compressed', answer: { body: TEXT, headers: { 'Content-Type': 'application/grpc' } }, req: gzipReq, encoding: undefined },
    { desc: 'included type compressed', config: { includedContentTypes: ['application/json'] }, answer: { body: TEXT, headers: { 'Content-Type': 'application/json' } }, req: gzipReq, encoding: 'gzip' },
    { desc: 'type not included: sent as is', config: { includedContentTypes: ['application/json'] }, answer: { body: TEXT, headers: { 'Content-Type': 'text/html' } }, req: gzipReq, encoding: undefined },
    { desc: 'unparsable Content-Type: sent as is', answer: { body: TEXT, headers: { 'Content-Type': 'text/plain; charset' } }, req: gzipReq, encoding: undefined },
    { desc: 'request Content-Type excluded: no Vary either', config: { excludedContentTypes: ['text/event-stream'] }, answer: { body: TEXT }, req: { headers: { 'Accept-Encoding': 'gzip', 'Content-Type': 'text/event-stream' } }, encoding: undefined, vary: undefined },
    { desc: 'existing Vary is extended', answer: { body: TEXT, headers: { Vary: 'Origin' } }, req: gzipReq, encoding: 'gzip', vary: 'Origin, Accept-Encoding' },
    { desc: 'existing Vary: Accept-Encoding not repeated', answer: { body: TEXT, headers: { Vary: 'accept-encoding' } }, req: gzipReq, encoding: 'gzip', vary: 'accept-encoding' },
    { desc: '204: nothing to compress, Vary added', answer: { status: 204 }, req: gzipReq, encoding: undefined, vary: 'Accept-Encoding' },
    { desc: '304: nothing to compress', answer: { status: 304, headers: { ETag: '"x"' } }, req: gzipReq, encoding: undefined },
    { desc: 'streamed large body (no Content-Length) in chunks', answer: { body: TEXT, chunks: 7 }, req: gzipReq, encoding: 'gzip' },
    { desc: 'streamed small body ending in the same tick: sent as is', answer: { body: Buffer.from('small'), chunks: 1 }, req: brReq, encoding: undefined },
    { desc: 'binary body round-trips', answer: { body: generateBytes(100_000) }, req: brReq, encoding: 'br' },
    { desc: 'error status compressed too', answer: { status: 500, body: TEXT }, req: gzipReq, encoding: 'gzip' },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res } = await run(c.config ?? {}, c.answer, c.req);
      assert.equal(res.status, c.answer.status ?? 200);
      assert.equal(res.headers['content-encoding'], c.encoding);
      if ('vary' in c) assert.equal(varyOf(res) || undefined, c.vary);
      const expected = c.answer.body ?? Buffer.alloc(0);
      if (c.encoding === 'gzip' || c.encoding === 'br') {
        assert.equal(res.headers['content-length'], undefined, 'no Content-Length once compressed');
        assert.ok(!res.body.equals(expected) || expected.length === 0, 'body is encoded');
        assert.ok(decodeBody(res).equals(expected), 'decodes to the backend body');
      } else {
        assert.ok(res.body.equals(expected), 'body sent as is');
      }
    });
  }
});

function varyOf(res: RawResponse): string {
  const v: string[] = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i].toLowerCase() === 'vary') v.push(res.rawHeaders[i + 1]);
  return v.join(', ');
}

describe('compress: protocol details', () => {
  test('HEAD passes through untouched', async () => {
    const { res } = await run({}, { body: TEXT }, { method: 'HEAD', headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(res.headers.vary, undefined);
    assert.equal(res.headers['content-length'], String(TEXT.length));
  });

  test('a small body keeps its Content-Length', async () => {
    const { res } = await run({}, { body: Buffer.from('tiny') }, gzipReq);
    assert.equal(res.headers['content-length'], '4');
  });

  test('bytesWritten counts the compressed bytes sent', async () => {
    const { res, ex } = await run({}, { body: TEXT }, gzipReq);
    assert.ok(ex !== undefined);
    assert.equal(ex.bytesWritten, res.body.length);
    assert.ok(res.body.length < TEXT.length);
  });

  test('bytesWritten for a streamed body', async () => {
    const { res, ex } = await run({}, { body: TEXT, chunks: 5 }, brReq);
    assert.equal(ex?.bytesWritten, res.body.length);
  });

  test('a large streamed body with backpressure survives', async () => {
    const big = Buffer.concat(Array.from({ length: 40 }, (_, i) => generateBytes(100_000 + i)));
    const { res } = await run({}, { body: big, chunks: 200 }, gzipReq);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.ok(decodeBody(res).equals(big));
  });

  test('streamed small body still open when the loop turns: compressed, as Go flushes unsized responses', async () => {
    const slow: Handler = async (ex) => {
      ex.sendHead(200, { 'content-type': 'text/plain' });
      ex.res.flushHeaders();
      ex.res.write('small');
      await new Promise((r) => setTimeout(r, 20));
      ex.res.end(' and done');
    };
    const { res } = await run({}, slow, brReq);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.equal(decodeBody(res).toString(), 'small and done');
  });

  test('a middleware answer (respond) is compressed too', async () => {
    const { res } = await run({ minResponseBodyBytes: 5 }, (ex) => ex.respond(403, 'Forbidden, really'), gzipReq);
    assert.equal(res.status, 403);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(decodeBody(res).toString(), 'Forbidden, really');
  });

  test('SSE: each event reaches the client while the stream is open', { timeout: 5000 }, async () => {
    let release: () => void = () => {};
    const done = new Promise<void>((r) => (release = r));
    const sse: Handler = async (ex) => {
      ex.sendHead(200, { 'content-type': 'text/event-stream' });
      ex.res.flushHeaders();
      ex.res.write('data: one\n\n');
      await done;
      ex.res.write('data: two\n\n');
      ex.res.end();
    };
    const h = await startHarness({ middlewares: await buildMiddleware(plugin, {}), terminal: sse });
    try {
      const received = await new Promise<{ encoding: string | undefined; first: string }>((resolve, reject) => {
        const r = http.get({ host: '127.0.0.1', port: h.port, path: '/', headers: { 'Accept-Encoding': 'gzip' }, agent: false }, (res) => {
          const gunzip = zlib.createGunzip();
          res.pipe(gunzip);
          gunzip.once('data', (c: Buffer) => {
            resolve({ encoding: res.headers['content-encoding'], first: c.toString() });
            release();
            res.resume();
          });
          gunzip.on('error', reject);
        });
        r.on('error', reject);
        // Without a flush the first event would sit in the compressor until the stream ends: fail, do not hang.
        setTimeout(() => reject(new Error('first event not received while the stream is open')), 2000).unref();
      });
      assert.equal(received.encoding, 'gzip');
      assert.equal(received.first, 'data: one\n\n');
    } finally {
      release();
      await h.close();
    }
  });
});

describe('compress: configuration', () => {
  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['excluded and included together', { excludedContentTypes: ['text/plain'], includedContentTypes: ['text/html'] }, 'includedContentTypes'],
    ['no encoding', { encodings: [] }, 'encodings'],
    ['unknown encoding', { encodings: ['deflate'] }, 'encodings'],
    ['default encoding not offered', { encodings: ['gzip'], defaultEncoding: 'br' }, 'defaultEncoding'],
    ['invalid media type', { excludedContentTypes: ['text/plain; charset'] }, 'excludedContentTypes'],
    ['unknown option', { level: 9 }, 'level'],
  ];
  for (const [desc, config, path] of invalid) {
    test(`rejected: ${desc}`, async () => {
      const err = await configErrorOf(plugin, config);
      assert.ok(err !== undefined, 'a ConfigError');
      assert.match(`${err.path ?? ''} ${err.message}`, new RegExp(path));
    });
  }

  test('only zstd configured: accepted, warns, never compresses on this Node', async () => {
    const ctx = createTestContext();
    const mw = await buildMiddleware(plugin, { encodings: ['zstd'] }, ctx);
    assert.ok(typeof mw === 'function');
    assert.match(ctx.warnings.join(), /none of the configured encodings/);
  });
});
