import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { parseConfigFile, listConfigFiles, mergeFiles } from '../src/parse.js';
import { fileProvider } from '../src/index.js';
import type { ProviderSnapshot } from '@portico/sdk';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const log = pino({ level: 'silent' });

test('parseConfigFile: YAML and TOML give the same tree; errors name file and line', () => {
  const want = { http: { routers: { r: { rule: 'Path(`/`)', service: 's' } } } };
  assert.deepEqual(parseConfigFile(join(fixtures, 'dynamic.yml')), want);
  assert.deepEqual(JSON.parse(JSON.stringify(parseConfigFile(join(fixtures, 'dynamic.toml')))), want, 'TOML (null-prototype maps)');
  const cases = [
    { desc: 'YAML syntax error', file: 'bad.yml', error: /bad\.yml: YAML syntax error at line \d+, column \d+/ },
    { desc: 'TOML syntax error', file: 'bad.toml', error: /bad\.toml: TOML syntax error at line 1/ },
    { desc: 'missing file', file: 'missing.yml', error: /missing\.yml: cannot read/ },
  ];
  for (const c of cases) assert.throws(() => parseConfigFile(join(fixtures, c.file)), c.error, c.desc);
  assert.throws(() => parseConfigFile('/x/conf.json', '{}'), /unsupported extension/);
  assert.deepEqual(parseConfigFile('/x/empty.yml', ''), {}, 'an empty file is an empty configuration');
  assert.throws(() => parseConfigFile('/x/list.yml', '- a\n- b\n'), /top level must be a map/);
});

test('directory: recursive, config files only, duplicates reported with both files', () => {
  const files = listConfigFiles(join(fixtures, 'dir'));
  assert.deepEqual(files.map((f) => f.slice(fixtures.length)), ['dir/a.yml', 'dir/sub/b.toml']);
  const { snapshot, conflicts } = mergeFiles(files.map((file) => ({ file, config: parseConfigFile(file) })));
  const routers = (snapshot.config.http as { routers: Record<string, { rule: string }> }).routers;
  assert.deepEqual(Object.keys(routers).sort(), ['ra', 'rb']);
  assert.equal(routers.ra.rule, 'Path(`/a`)', 'the first file wins');
  assert.equal(snapshot.origins?.['http.routers.rb'], files[1]);
  assert.equal(conflicts.length, 1);
  assert.match(conflicts[0], /http\.routers\.ra is declared in both .*a\.yml and .*b\.toml/);
});

async function collect(cfg: { filename?: string; directory?: string; watch: boolean }, baseDir: string) {
  const pushes: ProviderSnapshot[] = [];
  const failures: string[] = [];
  const abort = new AbortController();
  await fileProvider.start({ debugLogGeneratedTemplate: false, ...cfg }, { name: 'file', log, signal: abort.signal, baseDir, push: (s) => pushes.push(s), fail: (e) => failures.push(e.message) });
  return { pushes, failures, stop: () => abort.abort() };
}

async function until(cond: () => boolean, message: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('watch: rewrite, rename-over, syntax error keeps nothing pushed, recovery', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-file-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'dyn.yml');
  const cfg = (rule: string) => `http:\n  routers:\n    r:\n      rule: "${rule}"\n      service: s\n`;
  await writeFile(file, cfg('Path(`/1`)'));
  const p = await collect({ filename: 'dyn.yml', watch: true }, dir);
  t.after(p.stop);
  assert.equal(p.pushes.length, 1, 'initial snapshot');
  const rule = (i: number) => (p.pushes[i].config.http as { routers: { r: { rule: string } } }).routers.r.rule;

  await writeFile(file, cfg('Path(`/2`)'));
  await until(() => p.pushes.length >= 2 && rule(p.pushes.length - 1) === 'Path(`/2`)', 'in-place rewrite');

  await writeFile(join(dir, 'tmp.yml'), cfg('Path(`/3`)'));
  await rename(join(dir, 'tmp.yml'), file);
  await until(() => rule(p.pushes.length - 1) === 'Path(`/3`)', 'editor-style rename over the file');

  const before = p.pushes.length;
  await writeFile(file, 'http: [broken\n');
  await until(() => p.failures.length > 0, 'the syntax error reported');
  assert.equal(p.pushes.length, before, 'nothing pushed for a broken file');
  assert.match(p.failures[0], /YAML syntax error/);

  await writeFile(file, cfg('Path(`/4`)'));
  await until(() => rule(p.pushes.length - 1) === 'Path(`/4`)', 'recovery');
});

test('configuration errors of the provider itself', async () => {
  await assert.rejects(async () => fileProvider.start({ watch: false, debugLogGeneratedTemplate: false }, { name: 'file', log, signal: new AbortController().signal, baseDir: '/', push: () => undefined, fail: () => undefined }), /set filename or directory/);
  await assert.rejects(async () => fileProvider.start({ filename: 'a.yml', directory: 'd', watch: false, debugLogGeneratedTemplate: false }, { name: 'file', log, signal: new AbortController().signal, baseDir: '/', push: () => undefined, fail: () => undefined }), /either filename or directory/);
  const p = await collect({ directory: join(fixtures, 'dir'), watch: false }, '/');
  assert.equal(p.pushes.length, 1);
  assert.deepEqual(p.failures, []);
});
