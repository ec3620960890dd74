// package and wasm entries, with the npm installer and the WASM host replaced by fakes: what the loader hands
// them, and that a package goes through the same bundling step as a local plugin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MiddlewarePlugin, PluginEntry, PluginHostConfig } from '@portico/core';
import { loadPlugins, type LoadPluginsOptions, type NpmInstaller, type WasmHostModule } from '../src/index.js';
import { recordingLog } from './local-test-log.js';

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'portico-sources-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const host: PluginHostConfig = { directory: join(dir, 'plugins'), lockFile: join(dir, 'lock.json'), registry: 'https://registry.example', offline: false, watch: false };
  const opts: LoadPluginsOptions = { baseDir: dir, host, version: '0.1.0', log: recordingLog().log };
  return { dir, opts };
}

const fakeWasmPlugin: MiddlewarePlugin = { kind: 'middleware', type: 'waf', schema: {} as never, build: () => (next) => next };

test('wasm entries: bytes, config as strings, limits and runtime defaults go to the WASM host', async (t) => {
  const { dir, opts } = await setup(t);
  await writeFile(join(dir, 'waf.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  const calls: Parameters<WasmHostModule['loadWasmMiddleware']>[0][] = [];
  const wasm: WasmHostModule = {
    loadWasmMiddleware: async (o) => {
      calls.push(o);
      if (o.name === 'failing') throw new Error('module has no handle_request export');
      return fakeWasmPlugin;
    },
  };
  const entries: Record<string, PluginEntry> = {
    waf: { wasm: join(dir, 'waf.wasm'), config: { mode: 'strict', max: 3, list: ['a'] } },
    tuned: { wasm: join(dir, 'waf.wasm'), limits: { maxMemoryPages: 2, fuel: 5, timeout: '250ms' }, runtime: 'extism-worker', allowedHosts: ['api.example.com'] },
    failing: { wasm: join(dir, 'waf.wasm') },
    missing: { wasm: join(dir, 'nope.wasm') },
  };
  const { loaded, issues } = await loadPlugins(entries, { ...opts, wasm });
  assert.deepEqual(loaded.map((l) => [l.name, l.source, l.plugins[0]]), [['waf', 'wasm', fakeWasmPlugin], ['tuned', 'wasm', fakeWasmPlugin]]);
  assert.deepEqual(calls[0].config, { mode: 'strict', max: '3', list: '["a"]' });
  assert.deepEqual([calls[0].limits, calls[0].runtime], [{ maxMemoryPages: 256, fuel: 10_000_000 }, 'portico']);
  assert.deepEqual([calls[1].limits, calls[1].runtime, calls[1].allowedHosts], [{ maxMemoryPages: 2, fuel: 5, timeout: '250ms' }, 'extism-worker', ['api.example.com']]);
  assert.equal(calls[0].allowedHosts, undefined, 'no outbound hosts unless configured');
  assert.deepEqual([...calls[0].bytes], [0, 0x61, 0x73, 0x6d]);
  assert.deepEqual(
    issues.map((i) => [i.path, i.message]),
    [
      ['plugins.failing.wasm', 'plugin failing: module has no handle_request export'],
      ['plugins.missing.wasm', `plugin missing: ${join(dir, 'nope.wasm')} does not exist`],
    ],
  );
});

test('package entries: installed by the npm installer, then bundled against the host sdk; manifest kind checked', async (t) => {
  const { dir, opts } = await setup(t);
  const pkg = join(dir, 'plugins/node_modules/portico-plugin-hello');
  await mkdir(join(pkg, 'dist'), { recursive: true });
  await writeFile(
    join(pkg, 'dist/index.js'),
    "import { defineMiddleware, s } from '@portico/sdk';\nexport default [defineMiddleware({ type: 'hello', schema: s.object({}), build: () => (next) => next })];\n",
  );
  const calls: unknown[][] = [];
  const npm: NpmInstaller = {
    installNpmPlugin: async (name, entry, o) => {
      calls.push([name, entry.package, entry.version, o.registry, o.offline, o.directory, o.version]);
      if (entry.package === 'absent') throw new Error('package absent@^1.0.0 is not installed and pluginHost.offline is true');
      const kind = entry.package === 'says-provider' ? 'provider' : 'middleware';
      return { name: entry.package!, version: '1.2.3', dir: pkg, entryFile: join(pkg, 'dist/index.js'), manifest: { id: 'hello', kind, portico: '^0.1.0' } };
    },
  };
  const entries: Record<string, PluginEntry> = {
    hello: { package: 'portico-plugin-hello', version: '^1.0.0', registry: join(dir, 'registry') },
    absent: { package: 'absent', version: '^1.0.0' },
    liar: { package: 'says-provider', version: '^1.0.0' },
  };
  const { loaded, issues } = await loadPlugins(entries, { ...opts, npm });
  assert.equal(loaded.length, 1);
  assert.equal(loaded[0].version, '1.2.3');
  assert.equal((loaded[0].plugins[0] as MiddlewarePlugin).type, 'hello');
  assert.match(loaded[0].bundle!, /\/plugins\/cache\/[0-9a-f]{32}\.mjs$/);
  assert.deepEqual(calls[0], ['hello', 'portico-plugin-hello', '^1.0.0', join(dir, 'registry'), false, join(dir, 'plugins'), '0.1.0']);
  assert.equal(calls[1][3], 'https://registry.example', 'pluginHost.registry when the entry names none');
  assert.deepEqual(issues.map((i) => i.path), ['plugins.absent.package', 'plugins.liar.package']);
  assert.match(issues[0].message, /^plugin absent: package absent@\^1\.0\.0 is not installed/);
  assert.match(issues[1].message, /"portico.kind" is "provider", but the module exports middleware/);
});
