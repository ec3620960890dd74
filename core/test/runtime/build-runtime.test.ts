// Building a runtime from provider snapshots: per-element errors, statuses, references and the plugin
// lifecycle — checked in-process on the model and the API view (requests are covered by test/integration).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { buildRuntime } from '../../src/runtime/build.js';
import { StatePool } from '../../src/runtime/element-context.js';
import { PluginRegistry } from '../../src/plugin/registry.js';
import { ConfigError, type MiddlewarePlugin } from '../../src/plugin/types.js';
import { s } from '../../src/schema/types.js';
import type { ProviderSnapshot } from '../../src/plugin/types.js';
import { Pool } from 'undici';

const events: string[] = [];
type TagConfig = { value: string; failAt?: 'provision' | 'validate' | 'build' };
const tagPlugin: MiddlewarePlugin<ReturnType<typeof s.object>, TagConfig> = {
  kind: 'middleware',
  type: 'tag',
  schema: s.object({ value: s.string(), failAt: s.optional(s.enumOf(['provision', 'validate', 'build'])) }),
  provision(raw, ctx) {
    const cfg = raw as TagConfig;
    events.push(`provision ${ctx.element}`);
    ctx.onCleanup(() => void events.push(`cleanup ${ctx.element}`));
    if (cfg.failAt === 'provision') throw new ConfigError('cannot provision', 'value');
    return cfg;
  },
  validate(cfg) {
    if (cfg.failAt === 'validate') throw new ConfigError('value is not acceptable', 'value');
  },
  build(cfg, ctx) {
    if (cfg.failAt === 'build') throw new Error('boom');
    const counter = ctx.state('counter', () => ({ n: 0 }));
    counter.n++;
    return (next) => next;
  },
};

function registry(): PluginRegistry {
  const r = new PluginRegistry();
  r.register(tagPlugin);
  return r;
}

const pools: Pool[] = [];
async function build(snapshots: Record<string, ProviderSnapshot['config']>, statePool = new StatePool()) {
  return buildRuntime({
    generation: 1,
    snapshots: new Map(Object.entries(snapshots).map(([p, config]) => [p, { config, source: `${p}.yml` }])),
    registry: registry(),
    entryPoints: [
      { name: 'web', isDefault: false, middlewares: [] },
      { name: 'admin', isDefault: false, middlewares: [] },
    ],
    internalRoutes: new Map(),
    defaultRuleSyntax: 'v3',
    precedence: [],
    log: pino({ level: 'silent' }),
    statePool,
    dispatcherFor: (origin) => {
      const p = new Pool(origin);
      pools.push(p);
      return p;
    },
  });
}

const svc = { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } };

test('router statuses and the reasons given', async () => {
  const rt = await build({
    file: {
      http: {
        routers: {
          ok: { rule: 'Path(`/ok`)', service: 'svc' },
          badRule: { rule: 'Path(`/x`', service: 'svc' },
          noService: { rule: 'Path(`/a`)', service: 'ghost' },
          crossProvider: { rule: 'Path(`/b`)', service: 'shared@other' },
          noMiddleware: { rule: 'Path(`/c`)', service: 'svc', middlewares: ['ghost'] },
          brokenMiddleware: { rule: 'Path(`/d`)', service: 'svc', middlewares: ['bad'] },
          someEntryPointMissing: { rule: 'Path(`/e`)', service: 'svc', entryPoints: ['web', 'nope'] },
          allEntryPointsMissing: { rule: 'Path(`/f`)', service: 'svc', entryPoints: ['nope'] },
          unknownKey: { rule: 'Path(`/g`)', service: 'svc', priorty: 3 },
          tooHigh: { rule: 'Path(`/h`)', service: 'svc', priority: Number.MAX_SAFE_INTEGER },
        },
        services: { svc, twoKinds: { loadBalancer: svc.loadBalancer, weighted: { services: [{ name: 'svc' }] } }, badUrl: { loadBalancer: { servers: [{ url: 'ftp://x' }] } } },
        middlewares: { good: { tag: { value: 'a' } }, bad: { tag: { value: 'a', failAt: 'validate' } }, unknownType: { nope: {} } },
      },
    },
    other: { http: { services: { shared: svc } } },
  });
  const cases: { router: string; status: string; error?: RegExp }[] = [
    { router: 'ok@file', status: 'enabled' },
    { router: 'badRule@file', status: 'disabled', error: /column|expected/ },
    { router: 'noService@file', status: 'disabled', error: /service "ghost@file" does not exist/ },
    { router: 'crossProvider@file', status: 'enabled' },
    { router: 'noMiddleware@file', status: 'disabled', error: /middleware "ghost@file" does not exist/ },
    { router: 'brokenMiddleware@file', status: 'disabled', error: /middleware "bad@file" is disabled/ },
    { router: 'someEntryPointMissing@file', status: 'warning', error: /entryPoint "nope" doesn't exist/ },
    { router: 'allEntryPointsMissing@file', status: 'disabled', error: /entryPoint "nope" doesn't exist/ },
    { router: 'unknownKey@file', status: 'disabled', error: /unknown key "priorty" \(did you mean "priority"\?\)/ },
    { router: 'tooHigh@file', status: 'disabled', error: /priority must be at most/ },
  ];
  for (const c of cases) {
    const info = rt.routers.get(c.router);
    assert.ok(info, `${c.router} is listed`);
    assert.equal(info.status, c.status, `${c.router}: ${JSON.stringify(info.error)}`);
    if (c.error) assert.match((info.error ?? []).join('\n'), c.error, c.router);
  }
  const issue = (el: string) => rt.issues.filter((i) => i.element === el);
  assert.equal(issue('unknownKey@file')[0].path, 'http.routers.unknownKey.priorty');
  assert.equal(issue('unknownKey@file')[0].file, 'file.yml');
  assert.equal(issue('bad@file')[0].path, 'http.middlewares.bad.tag.value');
  assert.match(issue('unknownType@file')[0].message, /unknown middleware type "nope" \(available: tag\)/);
  assert.match(issue('twoKinds@file')[0].message, /exactly one kind/);
  assert.equal(issue('badUrl@file')[0].path, 'http.services.badUrl.loadBalancer.servers[0].url');
  assert.equal(rt.routers.get('ok@file')!.priority, 'Path(`/ok`)'.length, 'default priority = rule length');
  assert.deepEqual(rt.routers.get('ok@file')!.using, ['web', 'admin'], 'no entryPoints = all');
});

test('plugin lifecycle: a failing step undoes the earlier ones; state survives a rebuild', async () => {
  events.length = 0;
  const pool = new StatePool();
  const cfg = (failAt?: string) => ({ http: { middlewares: { m: { tag: { value: 'v', ...(failAt ? { failAt } : {}) } } } } });
  const rt1 = await build({ file: cfg() }, pool);
  assert.deepEqual(events, ['provision m@file']);
  const rt2 = await build({ file: cfg() }, pool);
  assert.equal(pool.get('m@file', 'counter', () => ({ n: -1 })).n, 2, 'same state object across generations');
  events.length = 0;
  await build({ file: cfg('build') }, pool);
  assert.deepEqual(events, ['provision m@file', 'cleanup m@file'], 'cleanup ran for the failed build');
  events.length = 0;
  await rt1.cleanups.run(pino({ level: 'silent' }));
  await rt2.cleanups.run(pino({ level: 'silent' }));
  assert.deepEqual(events, ['cleanup m@file', 'cleanup m@file']);
  await Promise.all(pools.map((p) => p.close()));
});

test('snapshot-level problems are reported, not fatal', async () => {
  const rt = await build({ file: { tcp: { routers: {} }, bogus: {}, http: { routers: { 'a@b': { rule: 'Path(`/`)', service: 's' } } } } });
  const messages = rt.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
  assert.match(messages, /tcp: the "tcp" section is not supported yet/);
  assert.match(messages, /bogus: unknown section/);
  assert.match(messages, /cannot contain "@"/);
});
