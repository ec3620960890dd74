import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, type Exchange } from '../src/index.js';
import { ConfigDecodeError, configErrorOf, createInjector, inject } from '../src/testing/index.js';
import plugins, { cleanupLogs, counter, hanger, tagger, thrower, upper } from './fixtures/testing/plugins.js';

describe('inject: the request the middlewares and the upstream see', () => {
  test('method, path, query, headers and body reach the upstream', async () => {
    const res = await inject({ plugin: tagger, config: { tag: 't1' } }, { method: 'POST', path: '/a/b?x=1&y', headers: { 'X-Client': 'c' }, body: 'hello' });
    assert.equal(res.status, 200);
    const u = res.upstream;
    assert.ok(u !== undefined);
    assert.equal(u.method, 'POST');
    assert.equal(u.path, '/a/b?x=1&y');
    assert.equal(u.rawPath, '/a/b');
    assert.equal(u.query, 'x=1&y');
    assert.equal(u.body.toString(), 'hello');
    assert.equal(u.headers['x-client'], 'c');
    assert.equal(u.headers['x-tag'], 't1');
    assert.equal(u.headers.host, 'localhost');
  });

  test('the entrypoint adds forwarded headers for the client IP (default 127.0.0.1, configurable)', async () => {
    const plain = await inject({ plugin: tagger, config: { tag: 'x' } }, { headers: { host: 'example.com:8080' } });
    assert.equal(plain.upstream?.headers['x-real-ip'], '127.0.0.1');
    assert.equal(plain.upstream?.headers['x-forwarded-proto'], 'http');
    assert.equal(plain.upstream?.headers['x-forwarded-host'], 'example.com:8080');
    assert.equal(plain.upstream?.headers['x-forwarded-port'], '8080');
    assert.equal(plain.exchange.clientIp, '127.0.0.1');
    const other = await inject({ plugin: tagger, config: { tag: 'x' } }, {}, { clientIp: '10.1.2.3', tls: true, serverName: 'edge-1' });
    assert.equal(other.upstream?.headers['x-real-ip'], '10.1.2.3');
    assert.equal(other.upstream?.headers['x-forwarded-proto'], 'https');
    assert.equal(other.upstream?.headers['x-forwarded-server'], 'edge-1');
    assert.equal(other.exchange.tls, true);
  });

  const forwardedCases = [
    { desc: 'untrusted client: incoming X-Forwarded-For is dropped', opts: {}, want: undefined },
    { desc: 'insecure entrypoint: it is kept', opts: { forwardedHeaders: { insecure: true } }, want: '1.1.1.1' },
    { desc: 'trusted client IP: it is kept', opts: { forwardedHeaders: { trustedIPs: ['127.0.0.1/32'] } }, want: '1.1.1.1' },
  ];
  for (const c of forwardedCases) {
    test(c.desc, async () => {
      const res = await inject({ plugin: tagger, config: { tag: 'x' } }, { headers: { 'X-Forwarded-For': '1.1.1.1' } }, c.opts);
      assert.equal(res.upstream?.headers['x-forwarded-for'], c.want);
    });
  }

  const sanitizeCases = [
    { desc: 'dot segments are cleaned before the middlewares (sanitizePath default)', sanitizePath: undefined, want: '/b/c?q' },
    { desc: 'sanitizePath false keeps them', sanitizePath: false, want: '/a/../b//c?q' },
  ];
  for (const c of sanitizeCases) {
    test(c.desc, async () => {
      const res = await inject({ plugin: tagger, config: { tag: 'x' } }, { path: '/a/../b//c?q' }, { sanitizePath: c.sanitizePath });
      assert.equal(res.upstream?.path, c.want);
    });
  }

  test('a chunked request body read by a middleware reaches the upstream through ex.body', async () => {
    const res = await inject({ plugin: upper, config: {} }, { method: 'PUT', body: ['ab', 'cd', 'ef'] });
    assert.equal(res.upstream?.body.toString(), 'ABCDEF');
  });

  test('a chain runs outermost first', async () => {
    const res = await inject([{ plugin: plugins, type: 'tagger', config: { tag: 'outer' } }, { plugin: plugins, type: 'counter' }], {});
    assert.equal(res.upstream?.headers['x-tag'], 'outer');
    assert.equal(res.upstream?.headers['x-count'], '1');
  });

  test('already built middleware factories are accepted', async () => {
    const res = await inject((next) => (ex) => ((ex.path = '/built'), next(ex)), { path: '/x' });
    assert.equal(res.upstream?.path, '/built');
  });
});

describe('inject: the response the client gets', () => {
  test('upstream status, headers and body, with onResponseHead modifiers applied', async () => {
    const res = await inject({ plugin: tagger, config: { tag: 'm' } }, {}, { upstream: { status: 201, headers: { 'Content-Type': 'text/plain', 'X-Up': '1' }, body: 'created' } });
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(res.headers['x-up'], '1');
    assert.equal(res.headers['x-tagged'], 'm');
    assert.equal(res.headers['content-length'], '7');
    assert.equal(res.text, 'created');
    assert.deepEqual(res.body, Buffer.from('created'));
  });

  test('respond() from a middleware: the upstream is not called and modifiers still run', async () => {
    const res = await inject({ plugin: tagger, config: { tag: 'r', answer: 403 } }, {});
    assert.equal(res.status, 403);
    assert.equal(res.text, 'answered by r');
    assert.equal(res.headers['x-tagged'], 'r');
    assert.equal(res.upstream, undefined);
    assert.equal(res.upstreamCalls.length, 0);
  });

  test('a streamed upstream response arrives chunked, in pieces, head first', async () => {
    const res = await inject({ plugin: tagger, config: { tag: 's' } }, {}, { upstream: { body: ['one ', 'two ', 'three'], chunkDelayMs: 15 } });
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.text, 'one two three');
    assert.ok(res.chunks.length >= 3, `got ${res.chunks.length} chunk(s)`);
  });

  test('HEAD gets the head without a body', async () => {
    const res = await inject({ plugin: tagger, config: { tag: 'h' } }, { method: 'HEAD' }, { upstream: { body: 'not sent' } });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.equal(res.headers['content-length'], '8');
  });

  test('a responder function answers per call', async () => {
    const res = await inject({ plugin: tagger, config: { tag: 'f' } }, { path: '/echo' }, { upstream: (call) => ({ status: 202, body: `${call.method} ${call.path}` }) });
    assert.equal(res.status, 202);
    assert.equal(res.text, 'GET /echo');
  });

  test('JSON bodies parse', async () => {
    const res = await inject({ plugin: tagger, config: { tag: 'j' } }, {}, { upstream: { body: '{"ok":true}' } });
    assert.deepEqual(res.json(), { ok: true });
  });
});

describe('inject: failures mapped as the entrypoint maps them', () => {
  const upstreamFailures = [
    { desc: 'connection refused → 502', fail: 'refused' as const, status: 502, text: 'Bad Gateway' },
    { desc: 'timeout → 504', fail: 'timeout' as const, status: 504, text: 'Gateway Timeout' },
    { desc: 'no server → 503', fail: 'unavailable' as const, status: 503, text: 'Service Unavailable' },
  ];
  for (const c of upstreamFailures) {
    test(c.desc, async () => {
      const res = await inject({ plugin: tagger, config: { tag: 'e' } }, {}, { upstream: { fail: c.fail } });
      assert.equal(res.status, c.status);
      assert.equal(res.text, c.text);
      assert.equal(res.upstreamError?.status, c.status);
      assert.equal(res.error, undefined);
      assert.equal(res.headers['x-tagged'], 'e', 'modifiers decorate error answers too');
    });
  }

  for (const async of [false, true]) {
    test(`a middleware that ${async ? 'rejects' : 'throws'} → 500, with the error kept`, async () => {
      const res = await inject({ plugin: thrower, config: { async } }, {});
      assert.equal(res.status, 500);
      assert.equal(res.text, 'Internal Server Error');
      assert.match(String(res.error), /boom/);
    });
  }

  test('a middleware that answers but leaves its promise pending is reported too', async () => {
    const answerThenHang = () => (ex: Exchange) => {
      ex.respond(200, 'done');
      return new Promise<void>(() => {});
    };
    await assert.rejects(inject(answerThenHang, {}, { timeoutMs: 200 }), /is complete but the chain's promise did not settle within 200 ms/);
  });

  test('a middleware that never answers fails the inject with a diagnosis, not a hang', async () => {
    await assert.rejects(inject({ plugin: hanger, config: {} }, { path: '/stuck' }, { timeoutMs: 200 }), /no complete response within 200 ms for GET \/stuck \(the upstream was not called and nothing was answered\)/);
  });
});

describe('inject: the plugin lifecycle', () => {
  const configCases = [
    { desc: 'unknown key: refused at decode with its path', config: { tag: 'a', tga: 'b' }, path: 'tga', message: /unknown/ },
    { desc: 'missing required key', config: {}, path: 'tag', message: /tag/ },
    { desc: 'wrong type', config: { tag: 'a', answer: 'many' }, path: 'answer', message: /answer/ },
    { desc: 'validate() error keeps its path', config: { tag: 'bad' }, path: 'tag', message: /cannot be "bad"/ },
  ];
  for (const c of configCases) {
    test(`config error: ${c.desc}`, async () => {
      const err = await configErrorOf({ plugin: tagger, config: c.config });
      assert.ok(err instanceof ConfigError);
      assert.equal(err.path, c.path);
      assert.match(err.message, c.message);
      await assert.rejects(inject({ plugin: tagger, config: c.config }), (e: unknown) => e instanceof ConfigError && e.path === c.path);
    });
  }

  test('decode errors list every issue', async () => {
    const err = await configErrorOf({ plugin: tagger, config: { tga: 1, answer: 'x' } });
    assert.ok(err instanceof ConfigDecodeError);
    assert.deepEqual(err.issues.map((i) => i.path).sort(), ['answer', 'tag', 'tga']);
  });

  test('cleanups run after a one-shot inject, and after the injector is cleaned up', async () => {
    const log: string[] = [];
    cleanupLogs.set('lifecycle', log);
    await inject({ plugin: tagger, config: { tag: 'once', cleanupLog: 'lifecycle' } });
    assert.deepEqual(log, ['cleanup once']);
    const injector = await createInjector([{ plugin: tagger, config: { tag: 'a', cleanupLog: 'lifecycle' } }, { plugin: tagger, config: { tag: 'b', cleanupLog: 'lifecycle' } }]);
    await injector.inject();
    assert.equal(log.length, 1);
    await injector.cleanup();
    assert.deepEqual(log, ['cleanup once', 'cleanup b', 'cleanup a']);
  });

  test('an injector keeps the built middleware and its state across requests', async () => {
    const injector = await createInjector({ plugin: counter, config: {} });
    try {
      const seen = [];
      for (let i = 0; i < 3; i++) seen.push((await injector.inject()).upstream?.headers['x-count']);
      assert.deepEqual(seen, ['1', '2', '3']);
      assert.equal(injector.upstream.calls.length, 3);
    } finally {
      await injector.cleanup();
    }
  });

  test('concurrent requests on one injector are told apart', async () => {
    const injector = await createInjector({ plugin: tagger, config: { tag: 'c' } }, { upstream: (call) => ({ body: call.path, delayMs: call.path === '/slow' ? 30 : 0 }) });
    const [slow, fast] = await Promise.all([injector.inject({ path: '/slow' }), injector.inject({ path: '/fast' })]);
    assert.equal(slow.text, '/slow');
    assert.equal(slow.upstream?.path, '/slow');
    assert.equal(fast.upstream?.path, '/fast');
    await injector.cleanup();
  });

  test('a plugin list needs the type when it holds several middlewares', async () => {
    await assert.rejects(inject({ plugin: plugins, config: {} }), /name the middleware type/);
  });
});
