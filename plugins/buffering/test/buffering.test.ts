import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import plugins from '../src/index.js';
import {
  buildMiddleware,
  checkExpectations,
  configErrorOf,
  createTestContext,
  fakeUpstream,
  findPlugin,
  loadMiddlewareCases,
  startHarness,
  type Harness,
  type MiddlewareCase,
  type TestRequest,
  type UpstreamBehaviour,
  type UpstreamCall,
} from '../../../test/helpers/middleware-harness.js';
import { UpstreamError, type Handler } from '@portico/sdk';

const plugin = findPlugin(plugins, 'buffering');

async function withHarness<T>(
  config: Record<string, unknown>,
  terminal: Handler | ((index: number, call: UpstreamCall) => UpstreamBehaviour) | UpstreamBehaviour,
  fn: (h: Harness, calls: UpstreamCall[]) => Promise<T>,
): Promise<T> {
  const mw = await buildMiddleware(plugin, config, createTestContext());
  let calls: UpstreamCall[] = [];
  let handler: Handler;
  if (typeof terminal === 'function' && terminal.length === 1) handler = terminal as Handler;
  else {
    const upstream = fakeUpstream(terminal as UpstreamBehaviour);
    handler = upstream.handler;
    calls = upstream.calls;
  }
  const h = await startHarness({ middlewares: mw, terminal: handler });
  try {
    const out = await fn(h, calls);
    assert.deepEqual(h.errors, []);
    return out;
  } finally {
    await h.close();
  }
}

/** Printable random text (so a string body round-trips exactly). */
const randomText = (n: number) => randomBytes(n).toString('base64').slice(0, n);

/** The corpus describes some bodies in words ("127 random bytes", "echo of the … request payload"). */
function materialize(c: MiddlewareCase): { request: TestRequest; answer: (i: number, call: UpstreamCall) => UpstreamBehaviour } {
  const r = c.request ?? {};
  const random = /^(\d+) random bytes$/.exec(r.body ?? '');
  const body = random !== null ? randomText(Number(random[1])) : r.body;
  const echo = /^echo of the/.test(c.backend?.body ?? '');
  return {
    request: { method: r.method, path: r.path, headers: r.headers, body },
    answer: (_i, call) => ({ status: c.backend?.status ?? 200, headers: c.backend?.headers, body: echo ? call.body.toString() : c.backend?.body }),
  };
}

describe('buffering conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('buffering');
  let passed = 0;
  after(() => console.log(`buffering conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      if (c.expect.configError !== undefined) {
        const err = await configErrorOf(plugin, c.config);
        assert.equal(err !== undefined, c.expect.configError, String(err?.message));
        passed++;
        return;
      }
      const { request, answer } = materialize(c);
      await withHarness(c.config, answer, async (h, calls) => {
        const res = await h.request(request);
        const unchecked = checkExpectations(assert, c, res, calls, h.exchanges[0]);
        assert.deepEqual(unchecked, [], `unchecked expectations: ${unchecked.join(', ')}`);
        if (res.status === 200) assert.equal(res.body, request.body, 'the echo comes back whole');
      });
      passed++;
    });
  }
});

describe('buffering request bodies', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; body?: string; chunked?: boolean; status: number; upstreamBody?: string }> = [
    { desc: 'no limit', config: {}, body: 'x'.repeat(5000), status: 200 },
    { desc: 'under the limit', config: { maxRequestBodyBytes: 10 }, body: '0123456789', status: 200 },
    { desc: 'declared length over the limit', config: { maxRequestBodyBytes: 9 }, body: '0123456789', status: 413 },
    { desc: 'chunked body under the limit', config: { maxRequestBodyBytes: 10 }, body: '0123456789', chunked: true, status: 200 },
    { desc: 'chunked body over the limit', config: { maxRequestBodyBytes: 9 }, body: '0123456789', chunked: true, status: 413 },
    { desc: 'no body at all', config: { maxRequestBodyBytes: 1 }, status: 200 },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      await withHarness(c.config, (_i, call) => ({ body: `got ${call.body.length}` }), async (h, calls) => {
        const headers: Record<string, string> = c.chunked ? { 'transfer-encoding': 'chunked' } : {};
        const res = await h.request({ method: 'POST', body: c.body, headers });
        assert.equal(res.status, c.status);
        if (c.status === 413) {
          assert.equal(res.body, 'Request Entity Too Large');
          assert.equal(calls.length, 0);
        } else {
          assert.equal(calls.length, 1);
          assert.equal(calls[0].body.toString(), c.body ?? '');
          assert.equal(h.exchanges[0].body?.length, (c.body ?? '').length, 'the body is handed on as ex.body');
          assert.equal(calls[0].headers['transfer-encoding'], undefined);
          if (c.body !== undefined) assert.equal(calls[0].headers['content-length'], String(c.body.length));
        }
      });
    });
  }

  test('a body already read by an outer middleware is only checked against the limit', async () => {
    const preset = (body: string): Handler => async (ex) => {
      ex.body = Buffer.from(body);
    };
    for (const [body, status] of [['abc', 200], ['abcdef', 413]] as const) {
      const mw = await buildMiddleware(plugin, { maxRequestBodyBytes: 4 }, createTestContext());
      const upstream = fakeUpstream({ status: 200 });
      const h = await startHarness({ middlewares: [(next) => async (ex) => { await preset(body)(ex); return next(ex); }, mw], terminal: upstream.handler });
      try {
        assert.equal((await h.request({ method: 'POST' })).status, status, body);
        assert.equal(upstream.calls.length, status === 200 ? 1 : 0);
      } finally {
        await h.close();
      }
    }
  });
});

/** A terminal writing its response in several chunks, as the relay does with a streamed upstream body. */
function chunkedWriter(parts: string[], headers: http.OutgoingHttpHeaders = {}, status = 200): Handler {
  return async (ex) => {
    ex.sendHead(status, { ...headers });
    ex.res.flushHeaders();
    for (const p of parts) {
      ex.res.write(Buffer.from(p));
      await new Promise((r) => setImmediate(r));
    }
    ex.res.end();
  };
}

describe('buffering response bodies', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; parts: string[]; status: number; body: string }> = [
    { desc: 'no limit: the whole streamed body, with its length', config: {}, parts: ['ab', 'cd', 'ef'], status: 200, body: 'abcdef' },
    { desc: 'exactly at the limit', config: { maxResponseBodyBytes: 6 }, parts: ['ab', 'cd', 'ef'], status: 200, body: 'abcdef' },
    { desc: 'over the limit in the last chunk: 500, nothing of the body', config: { maxResponseBodyBytes: 5 }, parts: ['ab', 'cd', 'ef'], status: 500, body: 'Internal Server Error' },
    { desc: 'over the limit in the first chunk (Traefik test: limit 1)', config: { maxResponseBodyBytes: 1 }, parts: ['x'.repeat(127)], status: 500, body: 'Internal Server Error' },
    { desc: 'empty body under any limit', config: { maxResponseBodyBytes: 1 }, parts: [], status: 200, body: '' },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      await withHarness(c.config, chunkedWriter(c.parts, { 'x-upstream': 'yes' }), async (h) => {
        const res = await h.request();
        assert.equal(res.status, c.status);
        assert.equal(res.body, c.body);
        assert.equal(res.headers['content-length'], String(Buffer.byteLength(c.body)), 'sent with its exact length');
        assert.equal(res.headers['transfer-encoding'], undefined);
        assert.equal(res.headers['x-upstream'], c.status === 200 ? 'yes' : undefined);
        assert.equal(h.exchanges[0].status, c.status);
      });
    });
  }

  test('nothing reaches the client before the response is complete', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const terminal: Handler = async (ex) => {
      ex.sendHead(200, {});
      ex.res.flushHeaders();
      ex.res.write('first');
      await gate;
      ex.res.end('second');
    };
    await withHarness({}, terminal, async (h) => {
      let headAt = 0;
      const started = new Promise<number>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port: h.port, path: '/', agent: false }, (res) => {
          headAt = Date.now();
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => {
            assert.equal(body, 'firstsecond');
            resolve(headAt);
          });
        });
        req.on('error', () => resolve(-1));
      });
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(headAt, 0, 'the head was held back while the body was incomplete');
      const releasedAt = Date.now();
      release();
      assert.ok((await started) >= releasedAt);
    });
  });

  test('HEAD and 304 answers keep their head as is', async () => {
    for (const [method, status, cl] of [['HEAD', 200, '42'], ['GET', 304, undefined]] as const) {
      const terminal: Handler = (ex) => {
        ex.sendHead(status, cl === undefined ? {} : { 'content-length': cl });
        ex.res.end();
      };
      await withHarness({ maxResponseBodyBytes: 1 }, terminal, async (h) => {
        const res = await h.request({ method });
        assert.equal(res.status, status);
        assert.equal(res.headers['content-length'], cl);
      });
    }
  });

  test('an upstream failing mid-body is answered by its error alone, not the partial body', async () => {
    const failing: Handler = async (ex) => {
      ex.sendHead(200, {});
      ex.res.write('partial');
      throw new UpstreamError(502, true, 'upstream reset mid-body');
    };
    await withHarness({}, failing, async (h) => {
      const res = await h.request();
      assert.equal(res.status, 502);
      assert.equal(res.body, 'Bad Gateway');
    });
  });

  test('answers of middlewares (respond) are buffered too', async () => {
    const forbid: Handler = (ex) => ex.respond(403, 'Forbidden');
    await withHarness({ maxResponseBodyBytes: 3 }, forbid, async (h) => {
      const res = await h.request();
      assert.equal(res.status, 500);
      assert.equal(res.body, 'Internal Server Error');
    });
  });
});

describe('buffering configuration', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; path?: string; error?: RegExp }> = [
    { desc: 'defaults', config: {} },
    { desc: 'every limit', config: { maxRequestBodyBytes: 10, memRequestBodyBytes: 5, maxResponseBodyBytes: 10, memResponseBodyBytes: 5 } },
    { desc: 'negative max request size', config: { maxRequestBodyBytes: -1 }, path: 'maxRequestBodyBytes', error: />= 0/ },
    { desc: 'negative mem response size', config: { memResponseBodyBytes: -5 }, path: 'memResponseBodyBytes', error: />= 0/ },
    { desc: 'retryExpression', config: { retryExpression: 'IsNetworkError() && Attempts() < 2' } },
    { desc: 'retryExpression with a syntax error', config: { retryExpression: 'Attempts() <' }, path: 'retryExpression', error: /invalid expression/ },
    { desc: 'retryExpression with an unknown function', config: { retryExpression: 'Retries() < 2' }, path: 'retryExpression', error: /unknown function/ },
    { desc: 'retryExpression that is not a condition', config: { retryExpression: 'Attempts()' }, path: 'retryExpression', error: /boolean/ },
    { desc: 'empty retryExpression', config: { retryExpression: '' } },
    { desc: 'a fractional size', config: { maxRequestBodyBytes: 1.5 }, error: /./ },
    { desc: 'an unknown option', config: { maxBodyBytes: 1 }, error: /maxBodyBytes/ },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const err = await configErrorOf(plugin, c.config);
      if (c.error === undefined) assert.equal(err, undefined, err?.message);
      else {
        assert.ok(err !== undefined);
        assert.match(err.message, c.error);
        if (c.path !== undefined) assert.equal(err.path, c.path);
      }
    });
  }
});

describe('buffering composed with other response interceptors', () => {
  /** Writes an untyped HTML body in two chunks. */
  const html: Handler = async (ex) => {
    ex.sendHead(200, {});
    ex.res.write('<html>');
    await new Promise((r) => setImmediate(r));
    ex.res.end('abcdefgh');
  };
  const cases: Array<{ desc: string; order: 'buffering-outer' | 'contentType-outer'; max: number; status: number; body: string; type: string }> = [
    { desc: 'contentType inside buffering, over the limit', order: 'buffering-outer', max: 5, status: 500, body: 'Internal Server Error', type: 'text/plain; charset=utf-8' },
    { desc: 'contentType outside buffering, over the limit', order: 'contentType-outer', max: 5, status: 500, body: 'Internal Server Error', type: 'text/plain; charset=utf-8' },
    { desc: 'contentType inside buffering, under the limit', order: 'buffering-outer', max: 100, status: 200, body: '<html>abcdefgh', type: 'text/html; charset=utf-8' },
    { desc: 'contentType outside buffering, under the limit', order: 'contentType-outer', max: 100, status: 200, body: '<html>abcdefgh', type: 'text/html; charset=utf-8' },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { default: contentTypePlugins } = await import('../../content-type/src/index.js');
      const b = await buildMiddleware(plugin, { maxResponseBodyBytes: c.max }, createTestContext());
      const ct = await buildMiddleware(findPlugin(contentTypePlugins, 'contentType'), {}, createTestContext());
      const h = await startHarness({ middlewares: c.order === 'buffering-outer' ? [b, ct] : [ct, b], terminal: html });
      try {
        const res = await h.request();
        assert.deepEqual([res.status, res.body, res.headers['content-type']], [c.status, c.body, c.type]);
      } finally {
        await h.close();
      }
    });
  }

  test('two buffering middlewares each apply their limit', async () => {
    for (const [outer, inner, status] of [[100, 5, 500], [5, 100, 500], [100, 100, 200]] as const) {
      const a = await buildMiddleware(plugin, { maxResponseBodyBytes: outer }, createTestContext());
      const b = await buildMiddleware(plugin, { maxResponseBodyBytes: inner }, createTestContext());
      const h = await startHarness({ middlewares: [a, b], terminal: chunkedWriter(['abc', 'def']) });
      try {
        const res = await h.request();
        assert.equal(res.status, status, `outer ${outer}, inner ${inner}`);
        assert.equal(res.body, status === 200 ? 'abcdef' : 'Internal Server Error');
      } finally {
        await h.close();
      }
    }
  });
});
