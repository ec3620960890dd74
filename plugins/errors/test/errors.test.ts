// errors: which answers are replaced, what the error-page request looks like, what the client gets — with the
// test kit's in-memory wire and a recording fake error service (the end-to-end test uses real sockets).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, fakeUpstream, inject, configErrorOf, type InjectRequest, type UpstreamAnswer, type UpstreamResponder } from '@portico/sdk/testing';
import { ConfigError } from '@portico/sdk';
import type { Handler, MiddlewarePlugin } from '@portico/sdk';
import plugins from '../src/index.js';
import { goQueryEscape, compileQuery } from '../src/query.js';
import { parseStatusRanges } from '../src/status-ranges.js';

/** A test context whose service references resolve to the given handlers (`name@test` or `name`). */
function contextWith(services: Record<string, Handler>) {
  return Object.assign(createTestContext({ element: 'errors@test' }), {
    service(name: string, path = '') {
      const handler = services[name.includes('@') ? name : `${name}@test`];
      if (handler === undefined) throw new ConfigError(`service "${name}" does not exist`, path);
      return handler;
    },
  });
}

interface Run {
  config: Record<string, unknown>;
  request?: InjectRequest;
  /** What the router's service answers. */
  upstream?: UpstreamAnswer | UpstreamResponder;
  /** What the error service answers. */
  page?: UpstreamAnswer | UpstreamResponder;
  /** Middlewares between errors and the service (outermost first), already built. */
  inner?: Array<{ plugin: MiddlewarePlugin; config: unknown }>;
}

async function run(r: Run) {
  const pages = fakeUpstream(r.page ?? { status: 200, headers: { 'content-type': 'text/html' }, body: 'My error page.\n' });
  const context = contextWith({ 'error@test': pages.handler });
  const res = await inject([{ plugin: plugins, config: { service: 'error', ...r.config }, context }, ...(r.inner ?? [])], r.request ?? { path: '/test?foo=bar&baz=buz' }, {
    upstream: r.upstream ?? { status: 200, body: 'upstream body' },
  });
  return { res, pages: pages.calls };
}

const statusText = (status: number, text: string): UpstreamAnswer => ({ status, headers: { 'content-type': 'text/plain', 'x-upstream': 'yes' }, body: `${text}\n` });

describe('errors: when the page replaces the answer', () => {
  const cases: { desc: string; status: string[]; answer: number; replaced: boolean }[] = [
    { desc: 'no error, but not a 200 (Traefik: 206 passes)', status: ['500-501', '503-599'], answer: 206, replaced: false },
    { desc: 'a 200 passes', status: ['500-599'], answer: 200, replaced: false },
    { desc: 'in the range', status: ['500-501', '503-599'], answer: 500, replaced: true },
    { desc: 'between two ranges', status: ['500-501', '503-599'], answer: 502, replaced: false },
    { desc: 'upper bound included', status: ['500-501', '503-599'], answer: 599, replaced: true },
    { desc: 'a single code', status: ['404'], answer: 404, replaced: true },
    { desc: 'comma-separated entries', status: ['404,418', '500'], answer: 418, replaced: true },
    { desc: 'a range written backwards never matches', status: ['599-500'], answer: 503, replaced: false },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res, pages } = await run({ config: { status: c.status, query: '/test' }, upstream: statusText(c.answer, 'original') });
      assert.equal(res.status, c.answer);
      if (c.replaced) {
        assert.equal(res.text, 'My error page.\n');
        assert.equal(pages.length, 1);
      } else {
        assert.equal(res.text, 'original\n');
        assert.equal(pages.length, 0);
      }
    });
  }

  test('the page keeps the original status and brings its own headers; the original response leaves none', async () => {
    const { res } = await run({ config: { status: ['503'] }, upstream: statusText(503, 'Service Unavailable'), page: { status: 200, headers: { 'content-type': 'text/html', 'x-page': '1' }, body: '<h1>down</h1>' } });
    assert.equal(res.status, 503);
    assert.equal(res.headers['content-type'], 'text/html');
    assert.equal(res.headers['x-page'], '1');
    assert.equal(res.headers['x-upstream'], undefined);
    assert.equal(res.text, '<h1>down</h1>');
    assert.equal(res.exchange.status, 503);
    assert.equal(res.exchange.bytesWritten, '<h1>down</h1>'.length);
  });

  test('the page\'s own status does not reach the client (a 404 page for a 500)', async () => {
    const { res } = await run({ config: { status: ['500'] }, upstream: statusText(500, 'x'), page: { status: 404, body: 'no such page' } });
    assert.equal(res.status, 500);
    assert.equal(res.text, 'no such page');
  });

  test('a failing service (502 from the transport) is replaced like an answer', async () => {
    const { res, pages } = await run({ config: { status: ['502'] }, upstream: { fail: 'refused' } });
    assert.equal(res.status, 502);
    assert.equal(res.text, 'My error page.\n');
    assert.equal(pages.length, 1);
  });

  test('a failing service outside the ranges keeps the proxy\'s answer', async () => {
    const { res, pages } = await run({ config: { status: ['500'] }, upstream: { fail: 'timeout' } });
    assert.equal(res.status, 504);
    assert.equal(res.text, 'Gateway Timeout');
    assert.equal(pages.length, 0);
  });

  test('an error service that cannot answer: the original status with that failure\'s text', async () => {
    const { res } = await run({ config: { status: ['503'] }, upstream: statusText(503, 'x'), page: { fail: 'refused' } });
    assert.equal(res.status, 503);
    assert.equal(res.text, 'Bad Gateway');
    assert.equal(res.error, undefined);
  });

  test('a HEAD request gets the status and the page\'s headers, no body', async () => {
    const { res, pages } = await run({ config: { status: ['503'] }, request: { method: 'HEAD', path: '/x' }, upstream: statusText(503, 'x') });
    assert.equal(res.status, 503);
    assert.equal(res.text, '');
    assert.equal(pages[0]?.method, 'GET');
  });

  test('a streamed page goes through unchanged', async () => {
    const { res } = await run({ config: { status: ['500'] }, upstream: statusText(500, 'x'), page: { status: 200, body: ['a', 'b', 'c'] } });
    assert.equal(res.status, 500);
    assert.equal(res.text, 'abc');
  });

  test('no status listed: the middleware changes nothing', async () => {
    const { res, pages } = await run({ config: {}, upstream: statusText(500, 'x') });
    assert.equal(res.status, 500);
    assert.equal(res.text, 'x\n');
    assert.equal(pages.length, 0);
  });
});

describe('errors: the error-page request', () => {
  const cases: { desc: string; query?: string; want: string }[] = [
    { desc: 'no query asks for /', want: '/' },
    { desc: 'a fixed path', query: '/test', want: '/test' },
    { desc: 'a leading slash is added', query: '{status}.html', want: '/503.html' },
    { desc: '{status}', query: '/{status}', want: '/503' },
    { desc: '{status} and {url}, query-escaped like Go', query: '/?status={status}&url={url}', want: '/?status=503&url=http%3A%2F%2Flocalhost%2Ftest%3Ffoo%3Dbar%26baz%3Dbuz' },
    { desc: '{originalStatus} without a rewrite is the status', query: '/{originalStatus}/{status}', want: '/503/503' },
    { desc: 'only one leading slash is trimmed', query: '//x', want: '//x' },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { pages } = await run({ config: { status: ['503'], ...(c.query !== undefined ? { query: c.query } : {}) }, upstream: statusText(503, 'x') });
      assert.equal(pages[0]?.path, c.want);
    });
  }

  test('a GET without body whatever the client sent, with the client\'s headers and Host', async () => {
    const { pages } = await run({
      config: { status: ['500'] },
      request: { method: 'POST', path: '/form', headers: { host: 'example.com', cookie: 'a=1', 'content-type': 'text/plain' }, body: 'payload' },
      upstream: async (call) => {
        assert.equal(call.body.toString(), 'payload');
        return statusText(500, 'x');
      },
    });
    assert.equal(pages[0]?.method, 'GET');
    assert.equal(pages[0]?.body.length, 0);
    assert.equal(pages[0]?.headers.host, 'example.com');
    assert.equal(pages[0]?.headers.cookie, 'a=1');
    assert.equal(pages[0]?.headers['content-length'], undefined);
    assert.equal(pages[0]?.headers['transfer-encoding'], undefined);
  });

  test('errorRequestHeaders limits the copied headers (Host always kept)', async () => {
    const { pages } = await run({
      config: { status: ['500'], errorRequestHeaders: ['Accept-Language'] },
      request: { path: '/', headers: { host: 'example.com', cookie: 'a=1', 'accept-language': 'fr' } },
      upstream: statusText(500, 'x'),
    });
    assert.equal(pages[0]?.headers.host, 'example.com');
    assert.equal(pages[0]?.headers['accept-language'], 'fr');
    assert.equal(pages[0]?.headers.cookie, undefined);
  });

  test('an empty errorRequestHeaders copies none', async () => {
    const { pages } = await run({ config: { status: ['500'], errorRequestHeaders: [] }, request: { path: '/', headers: { cookie: 'a=1' } }, upstream: statusText(500, 'x') });
    assert.equal(pages[0]?.headers.cookie, undefined);
    assert.deepEqual(Object.keys(pages[0]?.headers ?? {}), ['host']);
  });

  test('{url} is the request as it reached the middleware, even when an inner middleware rewrote it', async () => {
    const rewrite: MiddlewarePlugin = {
      kind: 'middleware',
      type: 'rewrite',
      schema: plugins[0]!.schema,
      build: () => (next) => (ex) => {
        ex.path = '/rewritten';
        return next(ex);
      },
    };
    const { pages } = await run({ config: { status: ['500'], query: '/e?u={url}' }, request: { path: '/orig?q=a%20b' }, inner: [{ plugin: rewrite, config: { service: 'x' } }], upstream: statusText(500, 'x') });
    assert.equal(pages[0]?.path, '/e?u=http%3A%2F%2Flocalhost%2Forig%3Fq%3Da%2520b');
  });
});

describe('errors: statusRewrites', () => {
  test('a rewritten status goes to the client and into {status}; {originalStatus} keeps the original', async () => {
    const { res, pages } = await run({ config: { status: ['400-599'], statusRewrites: { '418': 404, '502-504': 500 }, query: '/{status}?was={originalStatus}' }, upstream: statusText(503, 'x') });
    assert.equal(res.status, 500);
    assert.equal(pages[0]?.path, '/500?was=503');
  });

  test('an exact code wins over a range covering it', async () => {
    const { res } = await run({ config: { status: ['400-599'], statusRewrites: { '400-499': 400, '418': 404 } }, upstream: statusText(418, 'teapot') });
    assert.equal(res.status, 404);
  });

  test('a status outside every rewrite keeps its code', async () => {
    const { res } = await run({ config: { status: ['400-599'], statusRewrites: { '418': 404 } }, upstream: statusText(500, 'x') });
    assert.equal(res.status, 500);
  });

  test('numeric strings are accepted as rewrite targets (labels and YAML quoting)', async () => {
    const { res } = await run({ config: { status: ['500'], statusRewrites: { '500': '503' } }, upstream: statusText(500, 'x') });
    assert.equal(res.status, 503);
  });
});

describe('errors: inner middlewares', () => {
  test('response headers an inner middleware set on a replaced answer are dropped', async () => {
    const stamp: MiddlewarePlugin = {
      kind: 'middleware',
      type: 'stamp',
      schema: plugins[0]!.schema,
      build: () => (next) => (ex) => {
        ex.onResponseHead((_s, h) => void (h['x-inner'] = 'stamped'));
        return next(ex);
      },
    };
    const replaced = await run({ config: { status: ['500'] }, inner: [{ plugin: stamp, config: { service: 'x' } }], upstream: statusText(500, 'x') });
    assert.equal(replaced.res.headers['x-inner'], undefined);
    const kept = await run({ config: { status: ['500'] }, inner: [{ plugin: stamp, config: { service: 'x' } }], upstream: statusText(200, 'fine') });
    assert.equal(kept.res.headers['x-inner'], 'stamped');
  });

  test('an answer written by an inner middleware (respond) is replaced too', async () => {
    const deny: MiddlewarePlugin = {
      kind: 'middleware',
      type: 'deny',
      schema: plugins[0]!.schema,
      build: () => () => (ex) => ex.respond(403, 'Forbidden'),
    };
    const { res, pages } = await run({ config: { status: ['403'] }, inner: [{ plugin: deny, config: { service: 'x' } }] });
    assert.equal(res.status, 403);
    assert.equal(res.text, 'My error page.\n');
    assert.equal(pages.length, 1);
  });
});

describe('errors: configuration', () => {
  const errors = plugins[0]!;
  const cases: { desc: string; config: unknown; path: string; message?: RegExp }[] = [
    { desc: 'service is required', config: { status: ['500'] }, path: 'service' },
    { desc: 'empty service', config: { status: ['500'], service: ' ' }, path: 'service', message: /cannot be empty/ },
    { desc: 'a status that is not a number', config: { status: ['500', 'abc'], service: 'error' }, path: 'status[1]', message: /invalid HTTP status "abc"/ },
    { desc: 'a range with three parts', config: { status: ['500-550-599'], service: 'error' }, path: 'status[0]' },
    { desc: 'a bad item among commas', config: { status: ['404,x'], service: 'error' }, path: 'status[0]', message: /"x"/ },
    { desc: 'a bad rewrite key', config: { status: ['500'], service: 'error', statusRewrites: { '5xx': 500 } }, path: 'statusRewrites.5xx' },
    { desc: 'a rewrite target out of range', config: { status: ['500'], service: 'error', statusRewrites: { '500': 42 } }, path: 'statusRewrites.500', message: /100 to 999/ },
    { desc: 'an unknown key', config: { status: ['500'], service: 'error', statuses: [] }, path: 'statuses' },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const err = await configErrorOf({ plugin: errors, config: c.config, context: contextWith({ 'error@test': () => {} }) });
      assert.ok(err, 'expected a configuration error');
      assert.equal(err.path, c.path);
      if (c.message) assert.match(err.message, c.message);
    });
  }

  test('the service is resolved when the configuration is built, at the `service` key', async () => {
    let asked: [string, string] | undefined;
    const context = Object.assign(createTestContext({ element: 'errors@test' }), {
      service(name: string, path = '') {
        asked = [name, path];
        return () => {};
      },
    });
    await configErrorOf({ plugin: errors, config: { status: ['500'], service: 'pages@other' }, context });
    assert.deepEqual(asked, ['pages@other', 'service']);
  });
});

describe('errors: building blocks', () => {
  test('goQueryEscape matches Go\'s url.QueryEscape', () => {
    const table: [string, string][] = [
      ['http://localhost/test?foo=bar&baz=buz', 'http%3A%2F%2Flocalhost%2Ftest%3Ffoo%3Dbar%26baz%3Dbuz'],
      ['a b', 'a+b'],
      ["!'()*~-_.", "%21%27%28%29%2A~-_."],
      ['\u00e9', '%E9'], // Node hands request targets over as latin1: one char per byte, escaped as that byte
    ];
    for (const [input, want] of table) assert.equal(goQueryEscape(input), want, input);
  });

  test('compileQuery splits path and query', () => {
    assert.deepEqual(compileQuery('/p/{status}?s={status}').render(404, 404, ''), { path: '/p/404', query: 's=404' });
    assert.deepEqual(compileQuery('').render(404, 404, ''), { path: '/', query: null });
    assert.deepEqual(compileQuery('?x=1').render(404, 404, ''), { path: '/', query: 'x=1' });
  });

  test('parseStatusRanges reads codes, ranges and comma lists', () => {
    assert.deepEqual(parseStatusRanges(['404', '500-599', '401, 403']), [
      [404, 404],
      [500, 599],
      [401, 401],
      [403, 403],
    ]);
  });
});
