import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import plugins, { addPrefixTo } from '../src/index.js';
import { escapePath, pathUnescape, validEncodedPath, wirePath } from '@portico/sdk';
import {
  checkExpectations,
  configErrorOf,
  findPlugin,
  loadMiddlewareCases,
  runOnce,
  type TestRequest,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'addPrefix');

async function run(config: Record<string, unknown>, request: TestRequest) {
  const { res, calls } = await runOnce(plugin, config, request);
  return { res, calls };
}

describe('addPrefix conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('addPrefix');
  let passed = 0;
  after(() => console.log(`addPrefix conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      if (c.expect.configError === true) {
        assert.ok(await configErrorOf(plugin, c.config));
      } else {
        assert.ok(c.request !== null);
        const path = c.request.path + (c.request.query !== undefined ? `?${c.request.query}` : '');
        const { res, calls } = await run(c.config, { method: c.request.method, path, headers: { host: c.request.host ?? 'localhost' } });
        assert.deepEqual(checkExpectations(assert, c, res, calls), []);
      }
      passed++;
    });
  }
});

describe('addPrefix', () => {
  const cases: Array<{ desc: string; prefix: string; path: string; upstream: string }> = [
    { desc: 'regular path', prefix: '/a', path: '/b', upstream: '/a/b' },
    { desc: 'root path', prefix: '/a', path: '/', upstream: '/a/' },
    { desc: 'encoded slash kept', prefix: '/a', path: '/b%2Fc', upstream: '/a/b%2Fc' },
    { desc: 'prefix without leading slash gets one', prefix: 'api', path: '/x', upstream: '/api/x' },
    { desc: 'query kept', prefix: '/v1', path: '/x?y=1&z', upstream: '/v1/x?y=1&z' },
    { desc: 'prefix with a space is escaped', prefix: '/my app', path: '/x', upstream: '/my%20app/x' },
    { desc: 'non-canonical escape in path kept', prefix: '/a', path: '/ap%69', upstream: '/a/ap%69' },
    { desc: 'prefix needing escapes with a raw path: Go re-escapes the decoded path', prefix: '/a b', path: '/b%2Fc', upstream: '/a%20b/b/c' },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res, calls } = await run({ prefix: c.prefix }, { path: c.path });
      assert.equal(res.status, 200);
      assert.equal(calls[0].path, c.upstream);
    });
  }

  test('addPrefixTo on an empty (fully stripped) path', () => assert.equal(addPrefixTo('/a b', ''), '/a%20b'));

  const configCases: Array<{ desc: string; config: unknown; path?: string }> = [
    { desc: 'missing prefix', config: {}, path: 'prefix' },
    { desc: 'empty prefix', config: { prefix: '' }, path: 'prefix' },
    { desc: 'unknown option', config: { prefix: '/a', prefixes: ['/b'] } },
    { desc: 'wrong type', config: { prefix: ['/a'] } },
  ];
  for (const c of configCases) {
    test(`config error: ${c.desc}`, async () => {
      const err = await configErrorOf(plugin, c.config);
      assert.ok(err !== undefined);
      if (c.path !== undefined) assert.equal(err.path, c.path);
    });
  }
});

describe('go-path helpers', () => {
  const escapeCases: Array<[string, string]> = [
    ['/plain/path', '/plain/path'],
    ['/a b', '/a%20b'],
    ['/a?b', '/a%3Fb'],
    ['/café', '/caf%C3%A9'],
    ["/keep$&+,:;=@-_.~", "/keep$&+,:;=@-_.~"],
    ['/(x)!', '/%28x%29%21'],
  ];
  for (const [s, want] of escapeCases) test(`escapePath ${s}`, () => assert.equal(escapePath(s), want));

  const validCases: Array<[string, boolean]> = [
    ['/a%2Fb', true],
    ["/a!'()*[]", true],
    ['/a b', false],
    ['/a?b', false],
    ['/é', false],
  ];
  for (const [s, want] of validCases) test(`validEncodedPath ${s}`, () => assert.equal(validEncodedPath(s), want));

  test('pathUnescape decodes UTF-8 and keeps +', () => assert.equal(pathUnescape('/caf%C3%A9+x'), '/café+x'));
  test('pathUnescape rejects a bad escape with Go wording', () => assert.throws(() => pathUnescape('/a%zz'), /invalid URL escape "%zz"/));
  test('wirePath re-escapes an invalid raw form', () => assert.equal(wirePath('/a b%2F'), '/a%20b/'));
  test('wirePath keeps a valid raw form', () => assert.equal(wirePath('/a%2Fb'), '/a%2Fb'));
});
