// Watch mode: a local plugin is rebuilt when a source file changes and handed back for re-registration; a
// rebuild that fails keeps the previous version and logs why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MiddlewarePlugin, Plugin, PluginHostConfig } from '@portico/core';
import { loadPlugins, watchPlugins } from '../src/index.js';
import { recordingLog } from './local-test-log.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/local/', import.meta.url));

async function until<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a changed source is rebuilt and handed over; a broken one keeps the previous version', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-watch-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(FIXTURES, dir, { recursive: true });
  const host: PluginHostConfig = { directory: join(dir, '.portico'), lockFile: join(dir, 'lock.json'), registry: '', offline: true, watch: true };
  const { log, lines } = recordingLog();
  const entries = { stamp: { path: join(dir, 'stamp.ts') } };
  const { loaded } = await loadPlugins(entries, { baseDir: dir, host, version: '0.1.0', log });
  const rebuilt: [string, Plugin[]][] = [];
  const stop = await watchPlugins(loaded, entries, { host, log }, (name, plugins) => void rebuilt.push([name, plugins]));
  t.after(stop);
  // esbuild's first build of the watch context is the version already loaded: nothing is handed over.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(rebuilt.length, 0, 'no reload without a change');

  const source = await readFile(join(dir, 'stamp.ts'), 'utf8');
  await writeFile(join(dir, 'stamp.ts'), source.replace("type: 'stamp'", "type: 'stamp', description: 'v2'"));
  const [name, plugins] = await until(() => rebuilt[0], 'the rebuilt plugin');
  assert.equal(name, 'stamp');
  assert.equal((plugins[0] as MiddlewarePlugin).description, 'v2');

  await writeFile(join(dir, 'stamp.ts'), source.replace('export default', 'export default {'));
  const error = await until(() => lines.find((l) => l.startsWith('error plugin stamp: bundling failed')), 'the build error in the log');
  assert.match(error, /stamp\.ts:\d+:\d+: .*; keeping the previous version/);
  assert.equal(rebuilt.length, 1, 'a failed rebuild hands nothing over');
});
