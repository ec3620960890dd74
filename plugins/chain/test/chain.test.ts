// chain: order, nesting and how references are asked for. Resolution itself (qualification, cycles, missing
// and broken references, dependency order) is the kernel's: core/test/runtime/middleware-references.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@portico/sdk';
import type { MiddlewareFactory } from '@portico/sdk';
import { buildMiddleware, configErrorOf, createTestContext, inject } from '@portico/sdk/testing';
import plugins from '../src/index.js';

/** Appends `name` to the `x-trace` request header and to the `x-trace` response header (in head order). */
const tagger = (name: string): MiddlewareFactory => (next) => (ex) => {
  ex.headers['x-trace'] = `${ex.headers['x-trace'] ?? ''}${name};`;
  ex.onResponseHead((_s, h) => void (h['x-trace'] = `${h['x-trace'] ?? ''}${name};`));
  return next(ex);
};

/** A context resolving `name` / `name@test` to the given factories, recording what was asked. */
function contextWith(factories: Record<string, MiddlewareFactory>, asked: Array<[string, string]> = []) {
  return Object.assign(createTestContext({ element: 'chain@test' }), {
    middleware(name: string, path = ''): MiddlewareFactory {
      asked.push([name, path]);
      const f = factories[name.includes('@') ? name : `${name}@test`];
      if (f === undefined) throw new ConfigError(`middleware "${name}" does not exist`, path);
      return f;
    },
  });
}

describe('chain', () => {
  const cases: { desc: string; middlewares: string[]; request: string; response: string }[] = [
    { desc: 'applies the middlewares in order: the first sees the request first', middlewares: ['a', 'b', 'c'], request: 'a;b;c;', response: 'c;b;a;' },
    { desc: 'order follows the list, not the names', middlewares: ['c', 'a'], request: 'c;a;', response: 'a;c;' },
    { desc: 'the same middleware twice runs twice', middlewares: ['a', 'a'], request: 'a;a;', response: 'a;a;' },
    { desc: 'an empty chain passes the request through', middlewares: [], request: 'undefined', response: 'undefined' },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const context = contextWith({ 'a@test': tagger('a'), 'b@test': tagger('b'), 'c@test': tagger('c') });
      const res = await inject({ plugin: plugins, config: { middlewares: c.middlewares }, context });
      assert.equal(String(res.upstream?.headers['x-trace']), c.request);
      assert.equal(String(res.headers['x-trace']), c.response);
    });
  }

  test('a chain inside a chain, around other middlewares, is the same as the flat list', async () => {
    const inner = await buildMiddleware({ plugin: plugins, config: { middlewares: ['a', 'b'] }, context: contextWith({ 'a@test': tagger('a'), 'b@test': tagger('b') }) });
    const context = contextWith({ 'inner@test': inner.factory, 'c@test': tagger('c') });
    const res = await inject([{ plugin: plugins, config: { middlewares: ['c', 'inner', 'c'] }, context }]);
    assert.equal(res.upstream?.headers['x-trace'], 'c;a;b;c;');
  });

  test('a middleware of the chain may answer itself: the rest of the chain and the service are skipped', async () => {
    const deny: MiddlewareFactory = () => (ex) => ex.respond(403, 'no');
    const res = await inject({ plugin: plugins, config: { middlewares: ['a', 'deny', 'b'] }, context: contextWith({ 'a@test': tagger('a'), 'deny@test': deny, 'b@test': tagger('b') }) });
    assert.equal(res.status, 403);
    assert.equal(res.upstream, undefined);
    assert.equal(res.headers['x-trace'], 'a;');
  });

  test('references are asked for once, at build time, each with its key path', async () => {
    const asked: Array<[string, string]> = [];
    const built = await buildMiddleware({ plugin: plugins, config: { middlewares: ['a', 'b@other'] }, context: contextWith({ 'a@test': tagger('a'), 'b@other': tagger('b') }, asked) });
    assert.deepEqual(asked, [
      ['a', 'middlewares[0]'],
      ['b@other', 'middlewares[1]'],
    ]);
    built.factory(() => {});
    built.factory(() => {});
    assert.equal(asked.length, 2, 'composing the chain again must not look anything up');
  });

  const errors: { desc: string; config: unknown; path: string; message: RegExp }[] = [
    { desc: 'a missing reference is located at its index', config: { middlewares: ['a', 'ghost'] }, path: 'middlewares[1]', message: /"ghost" does not exist/ },
    { desc: 'an empty name', config: { middlewares: ['a', ''] }, path: 'middlewares[1]', message: /empty middleware name/ },
    { desc: 'middlewares is required', config: {}, path: 'middlewares', message: /./ },
  ];
  for (const c of errors) {
    test(`config error: ${c.desc}`, async () => {
      const err = await configErrorOf({ plugin: plugins, config: c.config, context: contextWith({ 'a@test': tagger('a') }) });
      assert.ok(err);
      assert.equal(err.path, c.path);
      assert.match(err.message, c.message);
    });
  }

  test('a reference the context cannot resolve is a configuration error at its key path, not a crash', async () => {
    const err = await configErrorOf({ plugin: plugins, config: { middlewares: ['a'] } });
    assert.ok(err);
    assert.match(err.message, /middleware "a@test" does not exist/);
    assert.equal(err.path, 'middlewares[0]');
  });
});
