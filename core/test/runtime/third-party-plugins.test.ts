// Third-party middlewares in dynamic configuration: Traefik's `http.middlewares.<x>.plugin.<name>` form,
// decoded by the plugin registered under the static name; a plugin that throws disables only its routers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Pool } from 'undici';
import { buildRuntime } from '../../src/runtime/build.js';
import { StatePool } from '../../src/runtime/element-context.js';
import { PluginRegistry } from '../../src/plugin/registry.js';
import type { MiddlewarePlugin, ProviderPlugin, ProviderSnapshot } from '../../src/plugin/types.js';
import { s } from '../../src/schema/types.js';

type StampConfig = { value: string; throwAt?: 'provision' | 'build' };
const stamp: MiddlewarePlugin = {
  kind: 'middleware',
  type: 'stamp',
  schema: s.object({ value: s.string(), throwAt: s.optional(s.enumOf(['provision', 'build'])) }),
  provision(cfg: StampConfig) {
    if (cfg.throwAt === 'provision') throw new TypeError('cannot reach the stamp server');
    return cfg;
  },
  build(cfg: StampConfig) {
    if (cfg.throwAt === 'build') throw new Error('stamp exploded');
    return (next) => next;
  },
};
const provider: ProviderPlugin = { kind: 'provider', name: 'original', schema: s.object({}), start() {} };

const pools: Pool[] = [];
async function build(registry: PluginRegistry, config: ProviderSnapshot['config']) {
  return buildRuntime({
    generation: 1,
    snapshots: new Map([['file', { config, source: 'dyn.yml' }]]),
    registry,
    entryPoints: [{ name: 'web', isDefault: false, middlewares: [] }],
    internalRoutes: new Map(),
    defaultRuleSyntax: 'v3',
    precedence: [],
    log: pino({ level: 'silent' }),
    statePool: new StatePool(),
    dispatcherFor: (origin) => {
      const p = new Pool(origin);
      pools.push(p);
      return p;
    },
  });
}

async function closePools(): Promise<void> {
  await Promise.all(pools.splice(0).map((p) => p.close()));
}

function registryWith(names: string[]): PluginRegistry {
  const r = new PluginRegistry();
  for (const n of names) r.registerNamed(n, [stamp]);
  return r;
}

const svc = { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } };
const router = (mw: string, path: string) => ({ rule: `Path(\`${path}\`)`, service: 'svc', middlewares: [mw] });

test('plugin.<name> is decoded by the plugin enabled under that name; errors name the element and key path', async () => {
  const rt = await build(registryWith(['mystamp', 'other']), {
    http: {
      routers: { good: router('ok', '/a'), typo: router('badKey', '/b'), ghost: router('unknown', '/c') },
      services: { svc },
      middlewares: {
        ok: { plugin: { mystamp: { value: 'v' } } },
        badKey: { plugin: { mystamp: { valeu: 'v' } } },
        unknown: { plugin: { geoblock: {} } },
        twoNames: { plugin: { mystamp: { value: 'a' }, other: { value: 'b' } } },
      },
    },
  });
  const cases = [
    { desc: 'known plugin, valid options', element: 'ok@file', path: undefined, message: undefined },
    { desc: 'unknown option of the plugin', element: 'badKey@file', path: 'http.middlewares.badKey.plugin.mystamp.valeu', message: /unknown key "valeu"/ },
    { desc: 'missing required option', element: 'badKey@file', path: 'http.middlewares.badKey.plugin.mystamp.value', message: /is required/ },
    { desc: 'unknown plugin name lists the enabled ones', element: 'unknown@file', path: 'http.middlewares.unknown.plugin.geoblock', message: /unknown plugin "geoblock" \(enabled plugins: mystamp, other\)/ },
    { desc: 'plugin names exactly one plugin', element: 'twoNames@file', path: 'http.middlewares.twoNames.plugin', message: /exactly one key/ },
  ];
  for (const c of cases) {
    const issues = rt.issues.filter((i) => i.element === c.element);
    if (c.message === undefined) {
      assert.deepEqual(issues, [], c.desc);
      continue;
    }
    const found = issues.find((i) => i.path === c.path);
    assert.ok(found, `${c.desc}: an issue at ${c.path} in ${JSON.stringify(issues)}`);
    assert.match(found.message, c.message, c.desc);
    assert.equal(found.file, 'dyn.yml', c.desc);
  }
  assert.equal(rt.routers.get('good@file')!.status, 'enabled');
  assert.equal(rt.routers.get('typo@file')!.status, 'disabled');
  assert.equal(rt.routers.get('ghost@file')!.status, 'disabled');
  await closePools();
});

test('with no plugin enabled, plugin.<name> says where to enable one', async () => {
  const rt = await build(new PluginRegistry(), { http: { middlewares: { m: { plugin: { x: {} } } } } });
  assert.match(rt.issues[0].message, /no plugin is enabled: add one to the static configuration's plugins section/);
});

test('a plugin that throws at provision or build disables only the routers using it', async () => {
  for (const throwAt of ['provision', 'build'] as const) {
    const rt = await build(registryWith(['mystamp']), {
      http: {
        routers: { uses: router('broken', '/a'), other: router('fine', '/b'), bare: { rule: 'Path(`/c`)', service: 'svc' } },
        services: { svc },
        middlewares: { broken: { plugin: { mystamp: { value: 'x', throwAt } } }, fine: { plugin: { mystamp: { value: 'y' } } } },
      },
    });
    assert.equal(rt.routers.get('uses@file')!.status, 'disabled', throwAt);
    assert.match((rt.routers.get('uses@file')!.error ?? []).join(), /middleware "broken@file" is disabled/, throwAt);
    assert.equal(rt.routers.get('other@file')!.status, 'enabled', throwAt);
    assert.equal(rt.routers.get('bare@file')!.status, 'enabled', throwAt);
    const issue = rt.issues.find((i) => i.element === 'broken@file')!;
    assert.equal(issue.path, 'http.middlewares.broken.plugin.mystamp', throwAt);
    assert.match(issue.message, throwAt === 'provision' ? /cannot reach the stamp server/ : /stamp exploded/, throwAt);
  }
  await closePools();
});

test('registerNamed: static names, conflicts and replacement', () => {
  const cases: { desc: string; run: (r: PluginRegistry) => void; error?: RegExp }[] = [
    { desc: 'a middleware and a provider under one name', run: (r) => r.registerNamed('both', [stamp, provider]) },
    { desc: 'the same name twice', run: (r) => (r.registerNamed('a', stamp), r.registerNamed('a', stamp)), error: /registered twice/ },
    { desc: 'two middlewares in one entry', run: (r) => r.registerNamed('two', [stamp, { ...stamp, type: 'other' }]), error: /exports 2 middlewares \(stamp, other\)/ },
    { desc: 'nothing exported', run: (r) => r.registerNamed('none', []), error: /exports no plugin/ },
    { desc: 'a provider named like a first-party one', run: (r) => (r.register({ ...provider, name: 'file' }), r.registerNamed('file', provider)), error: /first-party provider/ },
  ];
  for (const c of cases) {
    const r = new PluginRegistry();
    if (c.error) assert.throws(() => c.run(r), c.error, c.desc);
    else c.run(r);
  }
  const r = new PluginRegistry();
  r.registerNamed('both', [stamp, provider]);
  assert.equal(r.plugin('BOTH'), stamp, 'lookup ignores case');
  assert.equal(r.providers.get('both')!.name, 'both', 'a provider takes the static name');
  const v2 = { ...stamp, description: 'v2' };
  r.replaceNamed('both', [v2]);
  assert.equal(r.plugin('both'), v2);
  assert.equal(r.providers.has('both'), false, 'the replacement exports no provider');
  assert.throws(() => r.replaceNamed('both', []), /exports no plugin/);
  assert.equal(r.plugin('both'), v2, 'a failed replacement keeps the previous plugin');
});
