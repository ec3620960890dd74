import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, type Handler, type MiddlewareFactory } from '../src/index.js';
import { createTestContext, inject } from '../src/testing/index.js';

const pageService: Handler = (ex) => ex.respond(503, `page for ${ex.path}`);
const stamp: MiddlewareFactory = (next) => (ex) => {
  ex.headers['x-stamped'] = 'yes';
  return next(ex);
};

describe('test contexts resolve references as the kernel does', () => {
  const cases: Array<{ desc: string; ctx: Parameters<typeof createTestContext>[0]; kind: 'service' | 'middleware'; name: string; found?: unknown; error?: RegExp }> = [
    { desc: 'a service by its written name', ctx: { services: { pages: pageService } }, kind: 'service', name: 'pages', found: pageService },
    { desc: 'a bare name matches a qualified key in the element provider', ctx: { element: 'e@file', services: { 'pages@file': pageService } }, kind: 'service', name: 'pages', found: pageService },
    { desc: 'a qualified name matches a bare key', ctx: { services: { pages: pageService } }, kind: 'service', name: 'pages@docker', found: pageService },
    { desc: 'an unknown service is a ConfigError naming it qualified', ctx: { element: 'e@file', services: {} }, kind: 'service', name: 'ghost', error: /service "ghost@file" does not exist/ },
    { desc: 'a middleware by name', ctx: { middlewares: { stamp } }, kind: 'middleware', name: 'stamp', found: stamp },
    { desc: 'middlewares have no stand-in: unknown is an error', ctx: {}, kind: 'middleware', name: 'nope', error: /middleware "nope@test" does not exist/ },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const ctx = createTestContext(c.ctx);
      const lookup = (c.kind === 'service' ? ctx.service : ctx.middleware)!.bind(ctx);
      if (c.error === undefined) assert.equal(lookup(c.name, 'ref'), c.found);
      else assert.throws(() => lookup(c.name, 'ref'), (err: unknown) => err instanceof ConfigError && c.error!.test(err.message) && err.path === 'ref');
    });
  }

  test('without `services`, any name resolves to a stand-in that answers 200 naming it', async () => {
    const ctx = createTestContext();
    const res = await inject((next) => (ex) => (ex.path === '/page' ? ctx.service!('errors-page')(ex) : next(ex)), { path: '/page' });
    assert.equal(res.status, 200);
    assert.equal(res.text, 'stand-in service errors-page');
    assert.equal(res.upstream, undefined, 'the upstream was not called');
  });
});
