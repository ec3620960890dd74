// Middlewares that reference other elements (ctx.middleware / ctx.service): dependency-order building,
// name qualification, cycles, missing and broken references — and that a broken reference disables the
// routers using the element. The test plugins here stand in for chain and errors (core never imports plugins).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Pool } from 'undici';
import { buildModel } from '../../src/runtime/model.js';
import { buildMiddlewares } from '../../src/runtime/build-middlewares.js';
import { buildRuntime } from '../../src/runtime/build.js';
import { CleanupList, StatePool } from '../../src/runtime/element-context.js';
import { PluginRegistry } from '../../src/plugin/registry.js';
import type { MiddlewarePlugin, ProviderSnapshot } from '../../src/plugin/types.js';
import { s } from '../../src/schema/types.js';
import type { Exchange, Handler, MiddlewareFactory } from '../../src/http/exchange.js';

const log = pino({ level: 'silent' });

/** Appends its name to the `x-trace` request header. */
const tag: MiddlewarePlugin = {
  kind: 'middleware',
  type: 'tag',
  schema: s.object({ name: s.string() }),
  build: (cfg: { name: string }) => (next) => (ex) => {
    ex.headers['x-trace'] = `${ex.headers['x-trace'] ?? ''}${cfg.name};`;
    return next(ex);
  },
};

/** A chain stand-in: composes the middlewares it names, in order. */
const seq: MiddlewarePlugin = {
  kind: 'middleware',
  type: 'seq',
  schema: s.object({ middlewares: s.array(s.string()) }),
  build(cfg: { middlewares: string[] }, ctx) {
    const fs: MiddlewareFactory[] = cfg.middlewares.map((m, i) => ctx.middleware!(m, `middlewares[${i}]`));
    return (next) => fs.reduceRight<Handler>((h, f) => f(h), next);
  },
};

/** An errors stand-in: hands every request to the service it names. */
const divert: MiddlewarePlugin = {
  kind: 'middleware',
  type: 'divert',
  schema: s.object({ service: s.string() }),
  build(cfg: { service: string }, ctx) {
    const service = ctx.service!(cfg.service, 'service');
    return () => service;
  },
};

/** Tries to resolve a reference while provisioning, which is not allowed. */
const early: MiddlewarePlugin = {
  kind: 'middleware',
  type: 'early',
  schema: s.object({ ref: s.string() }),
  provision(cfg: { ref: string }, ctx) {
    ctx.onCleanup(() => void cleaned.push(ctx.element));
    ctx.middleware!(cfg.ref, 'ref');
    return cfg;
  },
  build: () => (next) => next,
};
const cleaned: string[] = [];

function registry(): PluginRegistry {
  const r = new PluginRegistry();
  for (const p of [tag, seq, divert, early]) r.register(p);
  return r;
}

type Config = ProviderSnapshot['config'];
const snapshots = (byProvider: Record<string, Config>) => new Map(Object.entries(byProvider).map(([p, config]) => [p, { config, source: `${p}.yml` }]));

async function buildAll(byProvider: Record<string, Config>, services = new Map<string, Handler>()) {
  const model = buildModel(snapshots(byProvider), registry());
  const built = await buildMiddlewares(model, log, new StatePool(), new CleanupList(), services);
  const issues = [...model.middlewares.values()].flatMap((r) => r.issues.map((i) => ({ element: r.name, path: i.path, message: i.message })));
  return { built, issues, model };
}

/** Runs a built middleware over a fake exchange and returns the trace the terminal handler saw. */
async function trace(factory: MiddlewareFactory | undefined): Promise<string> {
  assert.ok(factory, 'middleware not built');
  let seen = '';
  const ex = { headers: {} } as unknown as Exchange;
  await factory((e) => void (seen = String(e.headers['x-trace']))) (ex);
  return seen;
}

const mws = (m: Record<string, unknown>) => ({ http: { middlewares: m } });

describe('middleware references', () => {
  const cases: { desc: string; config: Record<string, Config>; element: string; trace: string }[] = [
    {
      desc: 'a chain applies its middlewares in order',
      config: { file: mws({ a: { tag: { name: 'a' } }, b: { tag: { name: 'b' } }, c: { tag: { name: 'c' } }, x: { seq: { middlewares: ['c', 'a', 'b'] } } }) },
      element: 'x@file',
      trace: 'c;a;b;',
    },
    {
      desc: 'referenced elements are built first whatever their order in the configuration',
      config: { file: mws({ outer: { seq: { middlewares: ['inner', 'c'] } }, inner: { seq: { middlewares: ['a', 'b'] } }, a: { tag: { name: 'a' } }, b: { tag: { name: 'b' } }, c: { tag: { name: 'c' } } }) },
      element: 'outer@file',
      trace: 'a;b;c;',
    },
    {
      desc: 'a name without provider is qualified with the chain\'s provider; name@provider is taken as is',
      config: { file: mws({ a: { tag: { name: 'file-a' } }, x: { seq: { middlewares: ['a', 'a@other'] } } }), other: mws({ a: { tag: { name: 'other-a' } } }) },
      element: 'x@file',
      trace: 'file-a;other-a;',
    },
    {
      desc: 'the same element referenced twice and an empty chain',
      config: { file: mws({ a: { tag: { name: 'a' } }, e: { seq: { middlewares: [] } }, x: { seq: { middlewares: ['a', 'e', 'a'] } } }) },
      element: 'x@file',
      trace: 'a;a;',
    },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { built, issues } = await buildAll(c.config);
      assert.deepEqual(issues, []);
      assert.equal(await trace(built.get(c.element)), c.trace);
    });
  }

  const failures: { desc: string; config: Record<string, Config>; want: { element: string; path: string; message: RegExp }[]; ok?: string[] }[] = [
    {
      desc: 'a missing reference is an error at its key path',
      config: { file: mws({ a: { tag: { name: 'a' } }, x: { seq: { middlewares: ['a', 'ghost'] } } }) },
      want: [{ element: 'x@file', path: 'http.middlewares.x.seq.middlewares[1]', message: /middleware "ghost@file" does not exist/ }],
      ok: ['a@file'],
    },
    {
      desc: 'a name without provider does not reach another provider\'s element',
      config: { file: mws({ x: { seq: { middlewares: ['a'] } } }), other: mws({ a: { tag: { name: 'a' } } }) },
      want: [{ element: 'x@file', path: 'http.middlewares.x.seq.middlewares[0]', message: /"a@file" does not exist/ }],
      ok: ['a@other'],
    },
    {
      desc: 'a reference to an element that failed to decode',
      config: { file: mws({ bad: { tag: { nope: 1 } }, x: { seq: { middlewares: ['bad'] } } }) },
      want: [
        { element: 'bad@file', path: 'http.middlewares.bad.tag.name', message: /./ },
        { element: 'bad@file', path: 'http.middlewares.bad.tag.nope', message: /./ },
        { element: 'x@file', path: 'http.middlewares.x.seq.middlewares[0]', message: /"bad@file" is disabled by its own errors/ },
      ],
    },
    {
      desc: 'a reference to an element whose own reference is broken',
      config: { file: mws({ y: { seq: { middlewares: ['ghost'] } }, x: { seq: { middlewares: ['y'] } } }) },
      want: [
        { element: 'y@file', path: 'http.middlewares.y.seq.middlewares[0]', message: /"ghost@file" does not exist/ },
        { element: 'x@file', path: 'http.middlewares.x.seq.middlewares[0]', message: /"y@file" is disabled by its own errors/ },
      ],
    },
    {
      desc: 'a cycle of two: both elements carry it, each from its own point of view',
      config: { file: mws({ x: { seq: { middlewares: ['y'] } }, y: { seq: { middlewares: ['a', 'x'] } }, a: { tag: { name: 'a' } } }) },
      want: [
        { element: 'x@file', path: 'http.middlewares.x.seq.middlewares[0]', message: /cycle: x@file → y@file → x@file/ },
        { element: 'y@file', path: 'http.middlewares.y.seq.middlewares[1]', message: /cycle: x@file → y@file → x@file/ },
      ],
      ok: ['a@file'],
    },
    {
      desc: 'a chain naming itself',
      config: { file: mws({ x: { seq: { middlewares: ['x'] } } }) },
      want: [{ element: 'x@file', path: 'http.middlewares.x.seq.middlewares[0]', message: /cycle: x@file → x@file/ }],
    },
    {
      desc: 'a cycle across providers',
      config: { file: mws({ x: { seq: { middlewares: ['y@other'] } } }), other: mws({ y: { seq: { middlewares: ['x@file'] } } }) },
      want: [
        { element: 'x@file', path: 'http.middlewares.x.seq.middlewares[0]', message: /cycle: x@file → y@other → x@file/ },
        { element: 'y@other', path: 'http.middlewares.y.seq.middlewares[0]', message: /cycle: x@file → y@other → x@file/ },
      ],
    },
    {
      desc: 'a missing service is an error at the key path the plugin gives',
      config: { file: mws({ d: { divert: { service: 'ghost' } } }) },
      want: [{ element: 'd@file', path: 'http.middlewares.d.divert.service', message: /service "ghost@file" does not exist/ }],
    },
    {
      desc: 'references cannot be resolved while provisioning',
      config: { file: mws({ a: { tag: { name: 'a' } }, p: { early: { ref: 'a' } } }) },
      want: [{ element: 'p@file', path: 'http.middlewares.p.early.ref', message: /validate\(\) and build\(\) only/ }],
      ok: ['a@file'],
    },
  ];
  for (const c of failures) {
    test(c.desc, async () => {
      const { built, issues } = await buildAll(c.config);
      const got = issues.map((i) => ({ element: i.element, path: i.path, message: i.message }));
      assert.equal(got.length, c.want.length, JSON.stringify(got));
      for (const w of c.want) {
        assert.ok(got.some((g) => g.element === w.element && g.path === w.path && w.message.test(g.message)), `no issue ${w.element} ${w.path} ${w.message}: ${JSON.stringify(got)}`);
      }
      for (const w of c.want) assert.equal(built.has(w.element), false, `${w.element} should not be built`);
      assert.deepEqual([...built.keys()].sort(), (c.ok ?? []).sort());
    });
  }

  test('a failed element\'s cleanups run', async () => {
    cleaned.length = 0;
    await buildAll({ file: mws({ p: { early: { ref: 'ghost' } } }) });
    assert.deepEqual(cleaned, ['p@file']);
  });

  test('a service reference resolves to the built service handler, qualified like a router\'s', async () => {
    const handler: Handler = () => {};
    const other: Handler = () => {};
    const { built, issues } = await buildAll(
      { file: mws({ d: { divert: { service: 'pages' } }, e: { divert: { service: 'pages@other' } } }) },
      new Map([
        ['pages@file', handler],
        ['pages@other', other],
      ]),
    );
    assert.deepEqual(issues, []);
    assert.equal(built.get('d@file')!(() => {}), handler);
    assert.equal(built.get('e@file')!(() => {}), other);
  });
});

describe('references in a whole runtime', () => {
  const pools: Pool[] = [];
  async function runtime(config: Config) {
    return buildRuntime({
      generation: 1,
      snapshots: snapshots({ file: config }),
      registry: registry(),
      entryPoints: [{ name: 'web', isDefault: true, middlewares: [] }],
      internalRoutes: new Map(),
      defaultRuleSyntax: 'v3',
      precedence: [],
      log,
      statePool: new StatePool(),
      dispatcherFor: (origin) => {
        const p = new Pool(origin);
        pools.push(p);
        return p;
      },
    });
  }

  test('a cycle disables the routers using its elements; the others stay enabled', async () => {
    const rt = await runtime({
      http: {
        routers: {
          cyclic: { rule: 'Path(`/a`)', service: 'svc', middlewares: ['x'] },
          fine: { rule: 'Path(`/b`)', service: 'svc', middlewares: ['ok'] },
        },
        middlewares: { x: { seq: { middlewares: ['y'] } }, y: { seq: { middlewares: ['x'] } }, ok: { seq: { middlewares: ['t'] } }, t: { tag: { name: 't' } } },
        services: { svc: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } },
      },
    });
    assert.equal(rt.routers.get('cyclic@file')?.status, 'disabled');
    assert.match(rt.routers.get('cyclic@file')?.error?.join('\n') ?? '', /middleware "x@file" is disabled by its own errors/);
    assert.equal(rt.routers.get('fine@file')?.status, 'enabled');
    assert.ok(rt.issues.some((i) => i.path === 'http.middlewares.x.seq.middlewares[0]' && /cycle/.test(i.message)));
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  test('services are built before middlewares, so a middleware can reference one', async () => {
    const rt = await runtime({
      http: {
        routers: { r: { rule: 'Path(`/a`)', service: 'svc', middlewares: ['d'] } },
        middlewares: { d: { divert: { service: 'pages' } } },
        services: { svc: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } }, pages: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } },
      },
    });
    assert.equal(rt.routers.get('r@file')?.status, 'enabled', JSON.stringify(rt.issues));
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  test('a reference to a service disabled by its own errors says so', async () => {
    const rt = await runtime({
      http: {
        routers: { r: { rule: 'Path(`/a`)', service: 'svc', middlewares: ['d'] } },
        middlewares: { d: { divert: { service: 'pages' } } },
        services: { svc: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } }, pages: { loadBalancer: { servers: [{ url: 'not a url' }] } } },
      },
    });
    assert.equal(rt.routers.get('r@file')?.status, 'disabled');
    assert.ok(rt.issues.some((i) => i.path === 'http.middlewares.d.divert.service' && /"pages@file" is disabled by its own errors/.test(i.message)), JSON.stringify(rt.issues));
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });
});
