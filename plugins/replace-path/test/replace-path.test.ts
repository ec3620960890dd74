import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import plugins from '../src/index.js';
import {
  checkExpectations,
  configErrorOf,
  findPlugin,
  loadMiddlewareCases,
  runOnce,
  type TestRequest,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'replacePath');

async function run(config: Record<string, unknown>, request: TestRequest) {
  const { res, calls, ctx } = await runOnce(plugin, config, request);
  return { res, calls, warnings: ctx.warnings };
}

describe('replacePath conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('replacePath');
  let passed = 0;
  after(() => console.log(`replacePath conformance: ${passed}/${cases.length} cases passed`));
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

describe('replacePath', () => {
  const cases: Array<{ desc: string; target: string; path: string; upstream: string; replaced: string | string[]; headers?: Record<string, string> }> = [
    { desc: 'simple path', target: '/replacement-path', path: '/example', upstream: '/replacement-path', replaced: '/example' },
    { desc: 'query is kept', target: '/new', path: '/old?a=1', upstream: '/new?a=1', replaced: '/old' },
    { desc: 'escaped target sent as is', target: '/a%2Fb', path: '/x', upstream: '/a%2Fb', replaced: '/x' },
    { desc: 'target needing escapes is escaped', target: '/a b', path: '/x', upstream: '/a%20b', replaced: '/x' },
    { desc: 'empty target: sent as /', target: '', path: '/x', upstream: '/', replaced: '/x' },
    { desc: 'original escaped form recorded', target: '/n', path: '/foo%2Fbar', upstream: '/n', replaced: '/foo%2Fbar' },
    { desc: 'header added to a client one', target: '/n', path: '/x', upstream: '/n', replaced: ['/client', '/x'], headers: { 'x-replaced-path': '/client' } },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res, calls } = await run({ path: c.target }, { path: c.path, headers: c.headers });
      assert.equal(res.status, 200);
      assert.equal(calls[0].path, c.upstream);
      assert.deepEqual(calls[0].headers['x-replaced-path'], c.replaced);
    });
  }

  test('malformed escape in path: 500 per request with Go error text', async () => {
    const { res, calls, warnings } = await run({ path: '/a%zz' }, { path: '/x' });
    assert.equal(res.status, 500);
    assert.equal(res.body, 'invalid URL escape "%zz"\n');
    assert.equal(calls.length, 0);
    assert.match(warnings.join(), /invalid URL escape/);
  });

  test('unknown option rejected', async () => {
    assert.ok(await configErrorOf(plugin, { path: '/a', regex: 'x' }));
  });
});
