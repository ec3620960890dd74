// Local TypeScript plugins: bundled by esbuild into the cache (reused while the inputs are unchanged), sharing
// the host's @portico/sdk, with source-mapped stack traces; every failure is an issue naming plugin and key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type MiddlewarePlugin, type PluginEntry, type PluginHostConfig } from '@portico/core';
import { loadPlugins, type LoadPluginsOptions } from '../src/index.js';
import { recordingLog } from './local-test-log.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/local/', import.meta.url));
const silent = recordingLog().log;

/** A copy of the fixtures in a temporary folder, with its own plugin directory. */
async function workspace(t: { after(fn: () => Promise<void>): void }): Promise<{ dir: string; opts: LoadPluginsOptions }> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-local-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(FIXTURES, dir, { recursive: true });
  await copyFile(join(dir, 'syntax-error.ts.txt'), join(dir, 'syntax-error.ts'));
  const host: PluginHostConfig = { directory: join(dir, '.portico/plugins'), lockFile: join(dir, 'lock.json'), registry: 'https://registry.npmjs.org', offline: true, watch: false };
  return { dir, opts: { baseDir: dir, host, version: '0.1.0', log: silent, file: join(dir, 'portico.yml') } };
}

const middleware = (plugins: { plugins: unknown[] }) => plugins.plugins[0] as MiddlewarePlugin;

test('a local .ts file is bundled, cached by content hash, and reused on the next start', async (t) => {
  const { dir, opts } = await workspace(t);
  const entries: Record<string, PluginEntry> = { stamp: { path: join(dir, 'stamp.ts') } };
  const first = await loadPlugins(entries, opts);
  assert.deepEqual(first.issues, []);
  assert.equal(first.loaded[0].name, 'stamp');
  assert.equal(first.loaded[0].source, 'path');
  assert.match(first.loaded[0].bundle!, /\/cache\/[0-9a-f]{32}\.mjs$/);

  const second = await loadPlugins(entries, opts);
  assert.equal(second.loaded[0].bundle, first.loaded[0].bundle, 'same inputs: same bundle file');
  const bundles = (await readdir(join(opts.host.directory, 'cache'))).filter((f) => f.endsWith('.mjs'));
  assert.equal(bundles.length, 1);

  // A change in an imported file (not the entry) is an input too.
  await writeFile(join(dir, 'helper.ts'), "export const suffix = '?';\n");
  const third = await loadPlugins(entries, opts);
  assert.notEqual(third.loaded[0].bundle, first.loaded[0].bundle, 'changed input: new bundle');

  const plugin = middleware(third.loaded[0]);
  const headers: Record<string, string> = {};
  const handler = plugin.build({ value: 'v' }, {} as never)((() => undefined) as never);
  await handler({ headers } as never);
  assert.equal(headers['x-stamp'], 'v?', 'the rebuilt bundle runs the new helper');
});

test("a plugin shares the host's @portico/sdk: its ConfigError is the kernel's class", async (t) => {
  const { dir, opts } = await workspace(t);
  const { loaded } = await loadPlugins({ stamp: { path: join(dir, 'stamp.ts') } }, opts);
  const plugin = middleware(loaded[0]);
  assert.throws(() => plugin.validate!({ value: '' }, {} as never), (err: unknown) => err instanceof ConfigError && err.path === 'value');
});

test('stack traces point at the TypeScript source line', async (t) => {
  const { dir, opts } = await workspace(t);
  const { loaded, issues } = await loadPlugins({ thrower: { path: join(dir, 'thrower') } }, opts);
  assert.deepEqual(issues, []);
  const err = (() => {
    try {
      middleware(loaded[0]).build({}, {} as never);
    } catch (e) {
      return e as Error;
    }
    return undefined;
  })();
  assert.ok(err, 'build threw');
  assert.match(err.stack ?? '', /thrower\/index\.ts:8:\d+/, err.stack);
});

test('a folder: package.json main (its source when not built), manifest checked, factory gets config', async (t) => {
  const { dir, opts } = await workspace(t);
  const { loaded, issues } = await loadPlugins({ mine: { path: join(dir, 'folder-main'), config: { greeting: 'hello' } } }, opts);
  assert.deepEqual(issues, []);
  assert.equal(middleware(loaded[0]).type, 'folderMain');
  assert.equal(middleware(loaded[0]).description, 'hello');
});

test('failures are issues naming the plugin and the key, and do not stop the other plugins', async (t) => {
  const { dir, opts } = await workspace(t);
  const cases: { desc: string; name: string; entry: PluginEntry; path: string; message: RegExp }[] = [
    { desc: 'missing file', name: 'ghost', entry: { path: join(dir, 'ghost.ts') }, path: 'plugins.ghost.path', message: /plugin ghost: .*ghost\.ts does not exist/ },
    { desc: 'syntax error', name: 'broken', entry: { path: join(dir, 'syntax-error.ts') }, path: 'plugins.broken.path', message: /bundling failed: .*syntax-error\.ts:6:\d+: Expected "}" but found "build"/ },
    { desc: 'no default export', name: 'nodefault', entry: { path: join(dir, 'no-default.ts') }, path: 'plugins.nodefault.path', message: /no default export/ },
    { desc: 'not a plugin', name: 'wrongkind', entry: { path: join(dir, 'wrong-kind.ts') }, path: 'plugins.wrongkind.path', message: /kind "filter"; expected "middleware" or "provider"/ },
    { desc: 'manifest kind differs from the export', name: 'mismatch', entry: { path: join(dir, 'provider-mismatch') }, path: 'plugins.mismatch.path', message: /"portico.kind" is "provider", but the module exports middleware/ },
    { desc: 'empty folder', name: 'empty', entry: { path: join(dir, 'thrower', '..', 'provider-mismatch', '..', 'folder-main', 'src', '..', '..') }, path: 'plugins.empty.path', message: /no entry file in folder/ },
  ];
  const entries = Object.fromEntries([...cases.map((c) => [c.name, c.entry]), ['stamp', { path: join(dir, 'stamp.ts') }]]);
  const { loaded, issues } = await loadPlugins(entries, opts);
  assert.deepEqual(loaded.map((l) => l.name), ['stamp'], 'the good plugin still loads');
  for (const c of cases) {
    const found = issues.find((i) => i.path === c.path);
    assert.ok(found, `${c.desc}: issue at ${c.path} in ${JSON.stringify(issues)}`);
    assert.match(found.message, c.message, c.desc);
    assert.equal(found.file, join(dir, 'portico.yml'), c.desc);
    assert.equal(found.severity, 'error', c.desc);
  }
});
