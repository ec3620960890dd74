import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import plugins from '../src/index.js';
import { goURLString } from '@portico/sdk';
import { redirectStatus } from '@portico/sdk';
import {
  buildMiddleware,
  checkExpectations,
  configErrorOf,
  fakeUpstream,
  findPlugin,
  loadMiddlewareCases,
  startHarness,
  type MiddlewareCase,
  type TestRequest,
  type TestResponse,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'redirectRegex');

async function run(config: Record<string, unknown>, request: TestRequest, tls = false) {
  const mw = await buildMiddleware(plugin, config);
  const upstream = fakeUpstream({ status: 200 });
  const h = await startHarness({ middlewares: mw, terminal: upstream.handler, tls });
  try {
    const res = await h.request(request);
    assert.deepEqual(h.errors, []);
    return { res, calls: upstream.calls };
  } finally {
    await h.close();
  }
}

/** `location` / `noLocation`, which the shared checker leaves to the test. */
function checkLocation(c: MiddlewareCase, res: TestResponse, unchecked: string[]): string[] {
  const left: string[] = [];
  for (const key of unchecked) {
    if (key === 'location') assert.equal(res.headers.location, c.expect.location, `${c.id}: location`);
    else if (key === 'noLocation') assert.equal(res.headers.location, undefined, `${c.id}: noLocation`);
    else left.push(key);
  }
  return left;
}

describe('redirectRegex conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('redirectRegex');
  let passed = 0;
  after(() => console.log(`redirectRegex conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      if (c.expect.configError === true) {
        assert.ok(await configErrorOf(plugin, c.config));
      } else {
        const r = c.request!;
        const path = r.requestTarget ?? (r.path ?? '/') + (r.query !== undefined ? `?${r.query}` : '');
        const tls = (r as { tls?: boolean }).tls === true;
        const { res, calls } = await run(c.config, { method: r.method, path, headers: { ...r.headers, host: r.host ?? 'localhost' } }, tls);
        assert.deepEqual(checkLocation(c, res, checkExpectations(assert, c, res, calls)), []);
      }
      passed++;
    });
  }
});

describe('redirectRegex', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; method?: string; target: string; host: string; tls?: boolean; status: number; location?: string }> = [
    { desc: 'origin-form: URL rebuilt from Host', config: { regex: '^http://localhost/(.*)', replacement: 'https://example.com/$1' }, target: '/a/b?x=1', host: 'localhost', status: 302, location: 'https://example.com/a/b?x=1' },
    { desc: 'origin-form root gets its slash', config: { regex: '^http://foo(.*)', replacement: 'https://bar$1' }, target: '/', host: 'foo', status: 302, location: 'https://bar/' },
    { desc: 'TLS request seen as https', config: { regex: '^https://(.*)', replacement: 'http://$1' }, target: '/x', host: 'foo', tls: true, status: 302, location: 'http://foo/x' },
    { desc: 'permanent GET: 301', config: { regex: 'foo', replacement: 'bar', permanent: true }, target: '/', host: 'foo', status: 301, location: 'http://bar/' },
    { desc: 'permanent POST: 308', config: { regex: 'foo', replacement: 'bar', permanent: true }, method: 'POST', target: '/', host: 'foo', status: 308, location: 'http://bar/' },
    { desc: 'temporary PUT: 307', config: { regex: 'foo', replacement: 'bar' }, method: 'PUT', target: '/', host: 'foo', status: 307, location: 'http://bar/' },
    { desc: 'no match: request goes on', config: { regex: '^https://', replacement: 'http://' }, target: '/x', host: 'foo', status: 200 },
    { desc: 'same URL after replacement: request goes on', config: { regex: '^(http://foo/x)$', replacement: '$1' }, target: '/x', host: 'foo', status: 200 },
    { desc: 'named group', config: { regex: '^http://(?P<host>[^/]+)/(?P<rest>.*)', replacement: 'https://${host}/new/${rest}' }, target: '/old', host: 'foo:8080', status: 302, location: 'https://foo:8080/new/old' },
    { desc: 'upper-case scheme in the replacement is lower-cased (url.String)', config: { regex: '^http://foo/', replacement: 'HTTPS://foo/' }, target: '/', host: 'foo', status: 302, location: 'https://foo/' },
    { desc: 'replacement path with a space is escaped', config: { regex: '^http://foo/x$', replacement: 'http://foo/a b' }, target: '/x', host: 'foo', status: 302, location: 'http://foo/a%20b' },
    { desc: 'unparsable result: 500', config: { regex: '^http://foo/x$', replacement: 'http://foo:port/' }, target: '/x', host: 'foo', status: 500 },
    { desc: 'malformed escape in the result: 500', config: { regex: '^http://foo/x$', replacement: 'http://foo/%zz' }, target: '/x', host: 'foo', status: 500 },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res, calls } = await run(c.config, { method: c.method, path: c.target, headers: { host: c.host } }, c.tls);
      assert.equal(res.status, c.status);
      assert.equal(res.headers.location, c.location);
      assert.equal(calls.length, c.status === 200 ? 1 : 0);
      if (c.status >= 300 && c.status < 400) assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    });
  }

  test('redirect body is the status text; HEAD gets none', async () => {
    const { res } = await run({ regex: 'foo', replacement: 'bar' }, { path: '/', headers: { host: 'foo' } });
    assert.equal(res.body, 'Found');
    const head = await run({ regex: 'foo', replacement: 'bar' }, { method: 'HEAD', path: '/', headers: { host: 'foo' } });
    assert.equal(head.res.status, 307);
    assert.equal(head.res.body, '');
  });

  const statusCases: Array<[string, boolean, boolean, number]> = [
    ['GET', false, false, 302],
    ['POST', false, false, 307],
    ['GET', true, false, 301],
    ['DELETE', true, false, 308],
    ['GET', false, true, 308],
  ];
  for (const [method, permanent, force, want] of statusCases) {
    test(`redirectStatus ${method} permanent=${permanent} force=${force}`, () => assert.equal(redirectStatus(method, permanent, force), want));
  }

  const urlCases: Array<[string, string | null]> = [
    ['https://foobar.com:443', 'https://foobar.com:443'],
    ['http://foo', 'http://foo'],
    ['HTTP://Foo/A', 'http://Foo/A'],
    ['http://[::1]:8443/x', 'http://[::1]:8443/x'],
    ['/relative/path?q=a b', '/relative/path?q=a b'],
    ['http://foo/a%2Fb', 'http://foo/a%2Fb'],
    ['http://foo/é', 'http://foo/%C3%A9'],
    ['http://foo/x#frag', 'http://foo/x#frag'],
    [':nope', null],
    ['http://foo/\n', null],
    ['http://foo:12ab/', null],
  ];
  for (const [raw, want] of urlCases) test(`goURLString ${JSON.stringify(raw)}`, () => assert.equal(goURLString(raw), want));

  const configCases: Array<{ desc: string; config: unknown }> = [
    { desc: 'invalid Go regexp', config: { regex: '(?P<x', replacement: 'y' } },
    { desc: 'unknown option', config: { regex: 'x', replacement: 'y', scheme: 'https' } },
    { desc: 'permanent not a boolean', config: { regex: 'x', replacement: 'y', permanent: 'maybe' } },
  ];
  for (const c of configCases) test(`config error: ${c.desc}`, async () => assert.ok(await configErrorOf(plugin, c.config)));
});
