#!/usr/bin/env node
// Runs the test suites with Node's own test runner; TypeScript test files load through tsx.
// Usage: node test/run.mjs [unit|integration|conformance ...] [--only <substring>]
// Node 20's `--test` does not expand globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = {
  unit: ['core/test', 'sdk/test', ...listDirs('plugins').map((d) => `plugins/${d}/test`), 'test/bench'],
  // Examples are tested end to end (built artefacts, real processes), so they run with the integration suite.
  integration: ['test/integration', ...listDirs('examples').map((d) => `examples/${d}/test`)],
  conformance: ['test/conformance'],
};

function listDirs(dir) {
  const abs = join(root, dir);
  return existsSync(abs) ? readdirSync(abs).filter((d) => statSync(join(abs, d)).isDirectory()) : [];
}

function findTests(dir, out) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return out;
  for (const name of readdirSync(abs)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const p = join(abs, name);
    if (statSync(p).isDirectory()) findTests(relative(root, p), out);
    else if (/\.test\.(ts|mts|js|mjs)$/.test(name)) out.push(relative(root, p));
  }
  return out;
}

const args = process.argv.slice(2);
const onlyIdx = args.indexOf('--only');
const only = onlyIdx === -1 ? undefined : args.splice(onlyIdx, 2)[1];
const chosen = args.length > 0 ? args : Object.keys(suites);
const files = [];
for (const suite of chosen) {
  if (!(suite in suites)) {
    console.error(`unknown suite "${suite}"; choose from ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  for (const dir of suites[suite]) findTests(dir, files);
}
const selected = only ? files.filter((f) => f.includes(only)) : files;
if (selected.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--conditions=portico-source', '--import', 'tsx', '--test', '--test-reporter=spec', ...selected], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PORTICO_REPO_ROOT: root },
});
process.exit(res.status ?? 1);
