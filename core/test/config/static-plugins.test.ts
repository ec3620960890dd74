// The static `plugins` and `pluginHost` sections, in both phases: loadPluginSection (before plugins load)
// and loadStaticConfig (after, with their provider schemas).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadPluginSection, loadStaticConfig } from '../../src/config/static/load.js';
import { s } from '../../src/schema/types.js';
import { errorsOf, fixture, FIXTURES, load } from './helpers.js';

const dir = join(FIXTURES, 'plugins');
const section = (file: string, argv: string[] = [], env: Record<string, string> = {}) =>
  loadPluginSection({ argv: [`--configFile=${fixture(`plugins/${file}`)}`, ...argv], env, cwd: FIXTURES, searchDirs: [] });

test('plugins: entries decoded, paths resolved against the static file, pluginHost defaults', () => {
  const r = section('good.yml');
  assert.deepEqual(r.issues, []);
  assert.deepEqual(r.plugins, {
    stamp: { path: join(dir, 'plugins/stamp.ts') },
    geo: { package: 'portico-plugin-geoblock', version: '^1.2.0', registry: join(dir, 'registry'), config: { country: 'FR' } },
    waf: { wasm: join(dir, 'filters/waf.wasm'), config: { mode: 'strict' }, limits: { fuel: 5000, maxMemoryPages: 256, timeout: '1s' }, runtime: 'extism-worker' },
  });
  assert.deepEqual(r.pluginHost, {
    directory: join(dir, '.portico/plugins'),
    lockFile: join(dir, 'portico-plugins.lock.json'),
    registry: 'https://registry.npmjs.org',
    offline: true,
    watch: false,
  });
  assert.equal(r.file, fixture('plugins/good.yml'));
});

test('plugins: flags and environment variables override the file, like every other option', () => {
  const r = section('good.yml', ['--pluginHost.watch', '--plugins.stamp.path=other.ts'], { PORTICO_PLUGINHOST_REGISTRY: 'http://127.0.0.1:4873' });
  assert.deepEqual(r.issues, []);
  assert.equal(r.pluginHost.watch, true);
  assert.equal(r.pluginHost.registry, 'http://127.0.0.1:4873');
  assert.equal(r.plugins.stamp.path, join(dir, 'other.ts'));
});

test('plugins: the first phase ignores the other sections, the second decodes everything', () => {
  const viaFlags = loadPluginSection({ argv: ['--entryPoints.web.address=:80', '--nonsense.key=1', '--plugins.p.path=x.ts'], env: {}, cwd: FIXTURES, searchDirs: [] });
  assert.deepEqual(viaFlags.issues, [], 'problems outside plugins/pluginHost are left to the second phase');
  assert.equal(viaFlags.plugins.p.path, join(FIXTURES, 'x.ts'), 'no file: relative to the working directory');
  const full = load([`--configFile=${fixture('plugins/good.yml')}`]);
  assert.deepEqual(errorsOf(full), []);
  assert.equal(full.config.plugins.waf.runtime, 'extism-worker');
  assert.equal(full.config.pluginHost.offline, true);
});

test('plugins: entry errors are located by file and key', () => {
  const r = section('bad.yml');
  const file = fixture('plugins/bad.yml');
  const cases = [
    { desc: 'no source', path: 'plugins.none', message: /needs one of package, path or wasm/ },
    { desc: 'two sources', path: 'plugins.two', message: /only one of package, path or wasm \(got path and wasm\)/ },
    { desc: 'package without version', path: 'plugins.noVersion.version', message: /is required with package/ },
    { desc: 'wasm option on a TS plugin', path: 'plugins.wrongOption.limits', message: /only applies to wasm plugins/ },
    { desc: 'package option on a TS plugin', path: 'plugins.wrongOption.version', message: /only applies to package plugins/ },
    { desc: 'unknown key', path: 'plugins.typo.pth', message: /unknown key "pth" \(did you mean "path"\?\)/ },
  ];
  for (const c of cases) {
    const found = r.issues.find((i) => i.path === c.path);
    assert.ok(found, `${c.desc}: issue at ${c.path} in ${JSON.stringify(r.issues.map((i) => i.path))}`);
    assert.match(found.message, c.message, c.desc);
    assert.equal(found.file, file, c.desc);
    assert.equal(found.severity, 'error', c.desc);
  }
  const full = load([`--configFile=${file}`]);
  assert.ok(errorsOf(full).some((i) => i.path === 'plugins.noVersion.version'), 'the second phase reports them too');
});

test("Traefik's experimental.plugins / localPlugins: a clear error pointing at plugins.<name>", () => {
  const cases = [
    { desc: 'plugins and localPlugins', file: 'traefik-plugins.yml', paths: ['experimental.plugins', 'experimental.localPlugins'] },
    { desc: 'other experimental options stay unsupported', file: 'traefik-experimental.yml', paths: ['experimental.plugins', 'experimental'] },
  ];
  for (const c of cases) {
    const r = load([`--configFile=${fixture(`plugins/${c.file}`)}`]);
    const errors = errorsOf(r);
    assert.deepEqual(errors.map((i) => i.path).sort(), [...c.paths].sort(), c.desc);
    const goPlugins = errors.find((i) => i.path === 'experimental.plugins')!;
    assert.match(goPlugins.message, /Go plugins .*Yaegi.* cannot run in Portico/, c.desc);
    assert.match(goPlugins.message, /plugins\.<name>/, c.desc);
    const rest = errors.find((i) => i.path === 'experimental');
    if (rest) assert.match(rest.message, /not supported yet/, c.desc);
  }
});

test('a provider plugin loaded from plugins adds its providers.<name> section', () => {
  const input = { argv: ['--providers.http.endpoint=http://127.0.0.1:9/cfg'], env: {}, cwd: FIXTURES, searchDirs: [] };
  const without = loadStaticConfig(input, {});
  assert.match(errorsOf(without)[0].message, /no provider plugin named "http"/);
  const withPlugin = loadStaticConfig(input, { http: s.object({ endpoint: s.string({ description: 'URL' }) }) });
  assert.deepEqual(errorsOf(withPlugin), []);
  assert.deepEqual(withPlugin.config.providers.http, { endpoint: 'http://127.0.0.1:9/cfg' });
});
