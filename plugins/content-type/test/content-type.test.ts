import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Handler, MiddlewareFactory } from '@portico/sdk';
import plugins from '../src/index.js';
import { detectContentType } from '../src/sniff.js';
import {
  buildMiddleware,
  checkExpectations,
  configErrorOf,
  createTestContext,
  fakeUpstream,
  findPlugin,
  loadMiddlewareCases,
  startHarness,
  type UpstreamAnswer,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'contentType');

async function runChain(middlewares: MiddlewareFactory[], terminal: Handler, method = 'GET') {
  const h = await startHarness({ middlewares, terminal });
  try {
    const res = await h.request({ method });
    assert.deepEqual(h.errors, []);
    return res;
  } finally {
    await h.close();
  }
}

async function run(config: Record<string, unknown> | null, answer: UpstreamAnswer, method = 'GET') {
  const ctx = createTestContext();
  const mws = config === null ? [] : [await buildMiddleware(plugin, config, ctx)];
  const upstream = fakeUpstream(answer);
  const res = await runChain(mws, upstream.handler, method);
  return { res, calls: upstream.calls, warnings: ctx.warnings };
}

/** A terminal that streams its body in chunks, without Content-Length, as the relay does for streams. */
function streaming(chunks: Buffer[], headers: Record<string, string> = {}): Handler {
  return (ex) => {
    ex.sendHead(200, { ...headers });
    ex.res.flushHeaders();
    for (const c of chunks) ex.res.write(c);
    ex.res.end();
  };
}

describe('contentType conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('contentType');
  let passed = 0;
  after(() => console.log(`contentType conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      const b = c.backend ?? {};
      const { res, calls } = await run(c.config, { status: b.status, headers: b.headers, body: b.body }, c.request?.method);
      assert.deepEqual(checkExpectations(assert, c, res, calls), []);
      passed++;
    });
  }
});

describe('contentType', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown> | null; answer: UpstreamAnswer; want: string | undefined }> = [
    { desc: 'without the middleware: no type is guessed', config: null, answer: { body: 'Test' }, want: undefined },
    { desc: 'text body sniffed', config: {}, answer: { body: 'Test' }, want: 'text/plain; charset=utf-8' },
    { desc: 'HTML body sniffed', config: {}, answer: { body: '  <!DOCTYPE html><html></html>' }, want: 'text/html; charset=utf-8' },
    { desc: 'backend type kept', config: {}, answer: { body: '<html></html>', headers: { 'Content-Type': 'application/json' } }, want: 'application/json' },
    { desc: 'empty body: no type', config: {}, answer: { body: '' }, want: undefined },
    { desc: '204: no type', config: {}, answer: { status: 204 }, want: undefined },
    { desc: 'autoDetect true (deprecated) still detects', config: { autoDetect: true }, answer: { body: 'Test' }, want: 'text/plain; charset=utf-8' },
    { desc: 'autoDetect false: no detection', config: { autoDetect: false }, answer: { body: 'Test' }, want: undefined },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res } = await run(c.config, c.answer);
      assert.equal(res.headers['content-type'], c.want);
      assert.equal(res.body, c.answer.body ?? '');
    });
  }

  test('autoDetect logs a deprecation warning', async () => {
    const { warnings } = await run({ autoDetect: true }, { body: 'x' });
    assert.match(warnings.join(), /AutoDetect option is deprecated/);
  });

  test('streamed response: the first chunk is sniffed even after flushHeaders', async () => {
    const mw = await buildMiddleware(plugin, {});
    const res = await runChain([mw], streaming([Buffer.from('%PDF-1.7 ...'), Buffer.from('more')]));
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.body, '%PDF-1.7 ...more');
  });

  test('a later autoDetect:false cancels an earlier contentType', async () => {
    const on = await buildMiddleware(plugin, {});
    const off = await buildMiddleware(plugin, { autoDetect: false });
    const res = await runChain([on, off], fakeUpstream({ body: 'Test' }).handler);
    assert.equal(res.headers['content-type'], undefined);
  });

  test('unknown option rejected', async () => assert.ok(await configErrorOf(plugin, { autoDetect: true, charset: 'utf-8' })));
});

describe('detectContentType (Go net/http sniff table)', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['empty', Buffer.alloc(0), 'text/plain; charset=utf-8'],
    ['HTML document', Buffer.from('<HtMl><bOdY>blah blah blah</body></html>'), 'text/html; charset=utf-8'],
    ['HTML after whitespace', Buffer.from('   <!DOCTYPE HTML>...'), 'text/html; charset=utf-8'],
    ['HTML comment', Buffer.from('<!-- x -->'), 'text/html; charset=utf-8'],
    ['tag needs a terminator', Buffer.from('<Brave new world'), 'text/plain; charset=utf-8'],
    ['XML', Buffer.from('\n<?xml!'), 'text/xml; charset=utf-8'],
    ['binary', Buffer.from([1, 2, 3]), 'application/octet-stream'],
    ['UTF-16BE BOM', Buffer.from([0xfe, 0xff, 0xd8, 0x00]), 'text/plain; charset=utf-16be'],
    ['UTF-8 BOM', Buffer.from([0xef, 0xbb, 0xbf, 0x41]), 'text/plain; charset=utf-8'],
    ['PNG', Buffer.from('\x89PNG\x0d\x0a\x1a\x0a', 'latin1'), 'image/png'],
    ['GIF', Buffer.from('GIF89a...'), 'image/gif'],
    ['JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    ['WebP', Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'), 'image/webp'],
    ['gzip', Buffer.from([0x1f, 0x8b, 0x08]), 'application/x-gzip'],
    ['zip', Buffer.from('PK\x03\x04', 'latin1'), 'application/zip'],
    ['wasm', Buffer.from('\x00asm\x01\x00\x00\x00', 'latin1'), 'application/wasm'],
    ['woff2', Buffer.from('wOF2'), 'font/woff2'],
    ['MP3 with ID3', Buffer.from('ID3\x03\x00', 'latin1'), 'audio/mpeg'],
    ['MP4', Buffer.from('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom', 'latin1'), 'video/mp4'],
    ['WebM', Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), 'video/webm'],
    ['JSON is plain text', Buffer.from('{"a":1}'), 'text/plain; charset=utf-8'],
  ];
  for (const [desc, data, want] of cases) test(desc, () => assert.equal(detectContentType(data), want));
});
