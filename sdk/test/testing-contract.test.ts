import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { contractTest, manifestProblems } from '../src/testing/index.js';
import plugins from './fixtures/testing/plugins.js';

// A plugin that keeps the contract passes it (this registers the contract suite itself).
contractTest(plugins, { id: 'tagger', kind: 'middleware', portico: '^0.1.0', sample: { tag: 'sample' } });

describe('manifest checks', () => {
  const valid = { id: 'geoblock', kind: 'middleware', portico: '^0.1.0', sample: {} };
  const manifestCases: Array<{ desc: string; manifest: unknown; problem?: RegExp }> = [
    { desc: 'a valid manifest', manifest: valid },
    { desc: 'a provider manifest', manifest: { ...valid, kind: 'provider' } },
    { desc: 'not a map', manifest: 'geoblock', problem: /field "portico" must be an object/ },
    { desc: 'missing id', manifest: { ...valid, id: undefined }, problem: /"portico\.id" must be .*it is missing/ },
    { desc: 'id with a space', manifest: { ...valid, id: 'geo block' }, problem: /"portico\.id" must be .*got "geo block"/ },
    { desc: 'unknown kind', manifest: { ...valid, kind: 'resolver' }, problem: /"portico\.kind" must be one of/ },
    { desc: 'range that does not parse', manifest: { ...valid, portico: 'latest' }, problem: /"portico\.portico" must be a semver range/ },
    { desc: 'range that excludes this version', manifest: { ...valid, portico: '^2.0.0' }, problem: /does not admit the running Portico/ },
    { desc: 'missing sample', manifest: { ...valid, sample: undefined }, problem: /"portico\.sample" must be a sample configuration map/ },
    { desc: 'unknown key', manifest: { ...valid, sampel: {} }, problem: /"portico\.sampel" is unknown/ },
  ];
  for (const c of manifestCases) {
    test(c.desc, () => {
      const problems = manifestProblems(c.manifest, '0.1.0');
      if (c.problem === undefined) assert.deepEqual(problems, []);
      else assert.ok(problems.some((p) => c.problem!.test(p)), `got ${JSON.stringify(problems)}`);
    });
  }
});

test('a plugin that breaks the contract fails the checks that name the breakage', () => {
  const fixture = fileURLToPath(new URL('./fixtures/testing/broken-plugin.contract.ts', import.meta.url));
  // Without NODE_TEST_CONTEXT the child reports for itself instead of into this run.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const run = spawnSync(process.execPath, ['--conditions=portico-source', '--import', 'tsx', '--test', '--test-reporter=tap', fixture], { encoding: 'utf8', timeout: 60_000, env });
  const failed = [...run.stdout.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1]);
  assert.notEqual(run.status, 0, 'the contract run must fail');
  const expected = [
    'the plugin and every option have a description (reference docs)',
    'a GET request with the sample config is answered (not 5xx) and does not hang',
    'the manifest is valid: id, kind, a portico range admitting this version, a sample config',
    'the package exports the plugin the manifest names',
  ];
  for (const name of expected) assert.ok(failed.includes(name), `"${name}" should have failed; failed: ${JSON.stringify(failed)}`);
  assert.match(run.stdout, /broken on every request/);
});
