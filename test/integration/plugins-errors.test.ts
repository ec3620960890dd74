// Plugins that cannot load stop start-up with an error naming them; `portico validate` reports the same,
// along with the dynamic configuration's use of plugins; `--help` needs no plugin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { porticoBin, repoRoot, startPortico } from '../helpers/portico-process.js';
import { waitFor } from '../helpers/poll.js';

async function exitOf(portico: Awaited<ReturnType<typeof startPortico>>) {
  return waitFor(() => portico.exited(), { timeoutMs: 15_000, message: 'portico exits' });
}

test('a missing or broken plugin stops start-up with an error naming it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-plugin-errors-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'broken.ts'), 'export default { kind: "middleware" };\n');
  const cases = [
    { desc: 'missing file', plugins: { ghost: { path: join(dir, 'ghost.ts') } }, error: /plugins\.ghost\.path: plugin ghost: .*ghost\.ts does not exist/ },
    { desc: 'not a plugin', plugins: { broken: { path: join(dir, 'broken.ts') } }, error: /plugins\.broken\.path: plugin broken: the default export \(middleware plugin\) needs "type"/ },
    { desc: 'two sources', plugins: { two: { path: 'a.ts', wasm: 'b.wasm' } }, error: /plugins\.two: give only one of package, path or wasm/ },
    { desc: "Traefik's Go plugins", experimental: { plugins: { geo: { moduleName: 'github.com/x/geo', version: 'v1' } } }, error: /experimental\.plugins: Traefik's Go plugins .* cannot run in Portico; enable a Portico plugin instead under plugins\.<name>/ },
  ];
  for (const c of cases) {
    const portico = await startPortico({ staticConfig: { entryPoints: { web: { address: '127.0.0.1:0' } }, plugins: c.plugins, experimental: c.experimental } });
    const exit = await exitOf(portico);
    await portico.stop();
    assert.equal(exit.code, 1, `${c.desc}: exit code; output: ${portico.output()}`);
    assert.match(portico.output(), c.error, c.desc);
    assert.match(portico.output(), /not starting/, c.desc);
  }
});

test('portico validate: plugin load errors and plugin.<name> use in dynamic configuration', async () => {
  const portico = await startPortico({
    command: { file: porticoBin, args: ['validate'] },
    staticConfig: {
      entryPoints: { web: { address: '127.0.0.1:0' } },
      plugins: { stamp: { path: join(repoRoot, 'examples/local-plugin/plugins/stamp.ts') }, ghost: { path: '/nonexistent/ghost.ts' } },
    },
    dynamicConfig: {
      http: {
        routers: { r: { rule: 'Path(`/`)', service: 's', middlewares: ['good', 'typo', 'unknown'] } },
        services: { s: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } },
        middlewares: { good: { plugin: { stamp: { value: 'x' } } }, typo: { plugin: { stamp: { valu: 'x' } } }, unknown: { plugin: { geoblock: {} } } },
      },
    },
  });
  const exit = await exitOf(portico);
  await portico.stop();
  const out = portico.output();
  assert.equal(exit.code, 1, out);
  assert.match(out, /plugins\.ghost\.path: plugin ghost: \/nonexistent\/ghost\.ts does not exist/);
  assert.match(out, /typo@file: http\.middlewares\.typo\.plugin\.stamp\.valu: unknown key "valu" \(did you mean "value"\?\)/);
  assert.match(out, /unknown@file: http\.middlewares\.unknown\.plugin\.geoblock: unknown plugin "geoblock" \(enabled plugins: stamp\)/);
  assert.doesNotMatch(out, /good@file/, 'the valid use is not reported');
});

test('--help works without loading plugins', async () => {
  const portico = await startPortico({
    command: { file: porticoBin, args: ['--help'] },
    staticConfig: { plugins: { ghost: { path: '/nonexistent/ghost.ts' } } },
  });
  const exit = await exitOf(portico);
  await portico.stop();
  assert.equal(exit.code, 0, portico.output());
  assert.match(portico.output(), /--plugins\.<name>\.path/);
});
