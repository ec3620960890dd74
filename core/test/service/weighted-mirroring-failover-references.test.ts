// Services that reference services: resolution (`name`, `name@provider`), dependency order, and the errors for
// missing references, disabled children and cycles — at the key path of the reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Pool } from 'undici';
import { buildRuntime } from '../../src/runtime/build.js';
import { StatePool } from '../../src/runtime/element-context.js';
import { PluginRegistry } from '../../src/plugin/registry.js';
import { statusOf } from '../../src/runtime/model.js';
import type { ProviderSnapshot } from '../../src/plugin/types.js';

const pools: Pool[] = [];
test.after(async () => {
  for (const p of pools) await p.destroy();
});

async function build(snapshots: Record<string, ProviderSnapshot['config']>) {
  const rt = await buildRuntime({
    generation: 1,
    snapshots: new Map(Object.entries(snapshots).map(([p, config]) => [p, { config, source: `${p}.yml` }])),
    registry: new PluginRegistry(),
    entryPoints: [{ name: 'web', isDefault: true, middlewares: [] }],
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
  const status = (name: string) => statusOf(rt.model.services.get(name)!);
  const errors = (name: string) => rt.model.services.get(name)!.issues.map((i) => `${i.path}: ${i.message}`);
  return { rt, status, errors };
}

const lb = { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } };
const checked = { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }], healthCheck: { path: '/health', interval: '1h' } } };

test('valid graphs build, whatever the declaration order, across providers', async () => {
  const { rt, status } = await build({
    file: {
      http: {
        services: {
          top: { weighted: { services: [{ name: 'mirror', weight: 2 }, { name: 'shared@other' }] } },
          mirror: { mirroring: { service: 'fo', mirrors: [{ name: 'a', percent: 10 }] } },
          fo: { failover: { service: 'checked', fallback: 'a' } },
          checked,
          a: lb,
        },
        routers: { r: { rule: 'Path(`/`)', service: 'top' } },
      },
    },
    other: { http: { services: { shared: lb } } },
  });
  for (const name of ['top@file', 'mirror@file', 'fo@file', 'checked@file', 'a@file']) assert.equal(status(name), 'enabled', name);
  assert.equal(rt.routers.get('r@file')?.status, 'enabled');
  await rt.cleanups.run(pino({ level: 'silent' }));
});

const broken = [
  {
    description: 'a missing child, at its reference',
    services: { w: { weighted: { services: [{ name: 'a' }, { name: 'ghost' }] } }, a: lb },
    expect: { 'w@file': ['http.services.w.weighted.services[1].name: service "ghost@file" does not exist'] },
  },
  {
    description: 'a missing child of another provider',
    services: { m: { mirroring: { service: 'a', mirrors: [{ name: 'x@nowhere', percent: 5 }] } }, a: lb },
    expect: { 'm@file': ['http.services.m.mirroring.mirrors[0].name: service "x@nowhere" does not exist'] },
  },
  {
    description: 'a disabled child disables its parent, and the parent\'s parent',
    services: {
      top: { failover: { service: 'mid', fallback: 'a' } },
      mid: { weighted: { services: [{ name: 'bad' }], healthCheck: {} } },
      bad: { loadBalancer: { servers: [{ url: 'not a url' }] } },
      a: lb,
    },
    expect: {
      'mid@file': ['http.services.mid.weighted.services[0].name: service "bad@file" is disabled by its own errors'],
      'top@file': ['http.services.top.failover.service: service "mid@file" is disabled by its own errors'],
    },
  },
  {
    description: 'a service that references itself',
    services: { self: { weighted: { services: [{ name: 'a' }, { name: 'self' }] } }, a: lb },
    expect: { 'self@file': ['http.services.self.weighted.services[1].name: services reference each other in a cycle: self@file → self@file'] },
  },
  {
    description: 'a cycle of three, each member reported once at its own reference; a service outside it is only disabled',
    services: {
      x: { weighted: { services: [{ name: 'y' }] } },
      y: { mirroring: { service: 'z' } },
      z: { failover: { service: 'x', fallback: 'a' } },
      outside: { weighted: { services: [{ name: 'y' }] } },
      a: checked,
    },
    expect: {
      'x@file': ['http.services.x.weighted.services[0].name: services reference each other in a cycle: x@file → y@file → z@file → x@file'],
      'y@file': ['http.services.y.mirroring.service: services reference each other in a cycle: x@file → y@file → z@file → x@file'],
      'z@file': ['http.services.z.failover.service: services reference each other in a cycle: x@file → y@file → z@file → x@file'],
      'outside@file': ['http.services.outside.weighted.services[0].name: service "y@file" is disabled by its own errors'],
    },
  },
  {
    description: 'a failover whose main service is not health-checked (Traefik refuses it too)',
    services: { fo: { failover: { service: 'a', fallback: 'b' } }, a: lb, b: lb },
    expect: { 'fo@file': ['http.services.fo.failover.service: service "a@file" is not health-checked: the main service of a failover needs a healthCheck'] },
  },
  {
    description: 'highestRandomWeight is reported as not supported',
    services: { h: { highestRandomWeight: { services: [{ name: 'a' }] } }, a: lb },
    expect: { 'h@file': ['http.services.h.highestRandomWeight: service kind "highestRandomWeight" is not supported by Portico (use loadBalancer, weighted, mirroring or failover)'] },
  },
  {
    description: 'schema errors name the key (percent above 100)',
    services: { m: { mirroring: { service: 'a', mirrors: [{ name: 'a', percent: 101 }] } }, a: lb },
    expectMatch: { 'm@file': /^http\.services\.m\.mirroring\.mirrors\[0\]\.percent: / },
  },
];

for (const c of broken) {
  test(`errors: ${c.description}`, async (t) => {
    const { rt, status, errors } = await build({ file: { http: { services: c.services } } });
    t.after(() => rt.cleanups.run(pino({ level: 'silent' })));
    for (const [name, expected] of Object.entries(c.expect ?? {})) {
      assert.equal(status(name), 'disabled', name);
      assert.deepEqual(errors(name), expected, name);
    }
    for (const [name, re] of Object.entries(c.expectMatch ?? {})) {
      assert.equal(status(name), 'disabled', name);
      assert.equal(errors(name).length, 1, name);
      assert.match(errors(name)[0], re);
    }
    if (c.services.a !== undefined) assert.equal(status('a@file'), 'enabled', 'unrelated services are unaffected');
  });
}

test('a router on a disabled composite service is disabled with the reason', async () => {
  const { rt } = await build({
    file: { http: { services: { w: { weighted: { services: [{ name: 'ghost' }] } } }, routers: { r: { rule: 'Path(`/`)', service: 'w' } } } },
  });
  assert.equal(rt.routers.get('r@file')?.status, 'disabled');
  assert.deepEqual(rt.routers.get('r@file')?.error, ['service "w@file" is disabled by its own errors']);
});
