import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import plugins from '../src/index.js';
import { decodePathBytes, encodedPrefixLen, isCleanPath, prefixBytes } from '@portico/sdk';
import {
  checkExpectations,
  findPlugin,
  loadMiddlewareCases,
  runOnce,
  type TestRequest,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'stripPrefix');

async function run(config: Record<string, unknown>, request: TestRequest) {
  const { res, calls, ctx } = await runOnce(plugin, config, request);
  return { res, calls, warnings: ctx.warnings };
}

describe('stripPrefix conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('stripPrefix');
  let passed = 0;
  after(() => console.log(`stripPrefix conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      assert.ok(c.request !== null);
      const path = c.request.path + (c.request.query !== undefined ? `?${c.request.query}` : '');
      const { res, calls } = await run(c.config, { method: c.request.method, path, headers: { host: c.request.host ?? 'localhost' } });
      assert.deepEqual(checkExpectations(assert, c, res, calls), []);
      passed++;
    });
  }
});

describe('stripPrefix (Traefik strip_prefix_test.go table and more)', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; path: string; upstream?: string; decoded?: string; prefix?: string | string[] | null; status?: number }> = [
    { desc: 'wildcard / with forceSlash', config: { prefixes: ['/'], forceSlash: true }, path: '/', upstream: '/', decoded: '/', prefix: '/' },
    { desc: 'wildcard /: empty path (sent as /)', config: { prefixes: ['/'] }, path: '/', upstream: '/', decoded: '', prefix: '/' },
    { desc: 'exact match with forceSlash', config: { prefixes: ['/stat'], forceSlash: true }, path: '/stat', upstream: '/', decoded: '/', prefix: '/stat' },
    { desc: 'trailing-slash prefix on exact path with forceSlash', config: { prefixes: ['/stat/'], forceSlash: true }, path: '/stat/', upstream: '/', prefix: '/stat/' },
    { desc: 'trailing-slash prefix on exact path', config: { prefixes: ['/stat/'] }, path: '/stat/', upstream: '/', decoded: '', prefix: '/stat/' },
    { desc: 'prefix not on a slash boundary', config: { prefixes: ['/stat/'] }, path: '/status', upstream: '/status', prefix: null },
    { desc: 'prefix within slash boundaries', config: { prefixes: ['/stat'] }, path: '/status', upstream: '/us', prefix: '/stat' },
    { desc: 'general prefix on matching path', config: { prefixes: ['/stat'] }, path: '/stat/', upstream: '/', decoded: '/', prefix: '/stat' },
    { desc: 'later prefix with forceSlash', config: { prefixes: ['/mismatch', '/stat'], forceSlash: true }, path: '/stat', upstream: '/', prefix: '/stat' },
    { desc: 'query string is kept', config: { prefixes: ['/api'] }, path: '/api/v1?x=1&y', upstream: '/v1?x=1&y', prefix: '/api' },
    { desc: 'empty prefix matches everything, strips nothing', config: { prefixes: [''] }, path: '/a', upstream: '/a', prefix: '' },
    { desc: 'header value is trimmed, matching is not', config: { prefixes: ['/api '] }, path: '/api%20/x', upstream: '/x', prefix: '/api' },
    { desc: 'UTF-8 prefix matches the percent-encoded path byte-wise', config: { prefixes: ['/café'] }, path: '/caf%C3%A9/menu', upstream: '/menu', prefix: '/café' },
    { desc: 'encoded slash inside the prefix region counts as one byte', config: { prefixes: ['/a/b'] }, path: '/a%2Fb/c', upstream: '/c', prefix: '/a/b' },
    { desc: 'malformed escape: left alone', config: { prefixes: ['/api'] }, path: '/api/%zz', upstream: '/api/%zz', prefix: null },
    { desc: 'stripped path with a .. segment: 400', config: { prefixes: ['/api'] }, path: '/api/../admin', status: 400 },
    { desc: 'stripped path with a . segment: 400', config: { prefixes: ['/api/'] }, path: '/api/./x', status: 400 },
    { desc: 'stripped path starting with //: 400', config: { prefixes: ['/api'] }, path: '/api//admin', status: 400 },
    { desc: 'encoded dots are not dot segments for the cleaning check', config: { prefixes: ['/api'] }, path: '/api/%2e%2e/x', upstream: '/%2e%2e/x', prefix: '/api' },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res, calls } = await run(c.config, { path: c.path });
      assert.equal(res.status, c.status ?? 200);
      if (c.status === 400) {
        assert.equal(calls.length, 0);
        assert.equal(res.body, 'Bad Request\n');
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        return;
      }
      assert.equal(calls[0].path, c.upstream);
      if (c.decoded !== undefined) assert.equal(calls[0].rawPath === '' ? '' : calls[0].decodedPath, c.decoded);
      assert.equal(calls[0].headers['x-forwarded-prefix'], c.prefix === null ? undefined : c.prefix);
    });
  }

  test('X-Forwarded-Prefix is added to a client-sent one (Header.Add)', async () => {
    const { calls } = await run({ prefixes: ['/api'] }, { path: '/api/x', headers: { 'x-forwarded-prefix': '/outer' } });
    assert.deepEqual(calls[0].headers['x-forwarded-prefix'], ['/outer', '/api']);
  });

  test('forceSlash logs a deprecation warning', async () => {
    const { warnings } = await run({ prefixes: ['/a'], forceSlash: true }, { path: '/a' });
    assert.match(warnings.join(), /forceSlash is deprecated/);
  });
});

describe('escaped-path helpers', () => {
  const decodeCases: Array<[string, string | null]> = [
    ['/plain', '/plain'],
    ['/a%2Fb', '/a/b'],
    ['/ap%69', '/api'],
    ['/caf%C3%A9', '/caf\u00c3\u00a9'],
    ['/bad%2', null],
    ['/bad%g0', null],
  ];
  for (const [path, want] of decodeCases) test(`decodePathBytes ${path}`, () => assert.equal(decodePathBytes(path), want));

  const lenCases: Array<[string, number, number]> = [
    ['/stat/a%2Fb', 5, 5],
    ['/ap%69/a%2Fb', 5, 7],
    ['/caf%C3%A9/x', prefixBytes('/café').length, 10],
    ['/ab%', 4, 4],
  ];
  for (const [raw, n, want] of lenCases) test(`encodedPrefixLen ${raw} ${n}`, () => assert.equal(encodedPrefixLen(raw, n), want));

  const cleanCases: Array<[string, boolean]> = [
    ['/', true],
    ['/a/b/', true],
    ['/a//b', false],
    ['//a', false],
    ['/a/.', false],
    ['/../x', false],
    ['/a/..b', true],
    ['/%2e%2e', true],
  ];
  for (const [p, want] of cleanCases) test(`isCleanPath ${p}`, () => assert.equal(isCleanPath(p), want));
});
