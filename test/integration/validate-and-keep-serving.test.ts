// `portico validate` reports every mistake with its file, element and key path; the running proxy given the
// same mistakes by the file watcher keeps serving the good routers and disables only the broken ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { porticoBin, repoRoot, startPortico } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { startUpstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/poll.js';

const fixture = join(repoRoot, 'test/integration/fixtures/three-mistakes');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(porticoBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('portico validate: three mistakes, three located errors, exit 1', async () => {
  const file = join(fixture, 'portico.yml');
  const { code, stderr } = await run(['validate', `--configFile=${file}`]);
  assert.equal(code, 1, stderr);
  const dynamicFile = join(fixture, 'dynamic.yml');
  const expected = [
    { desc: 'invalid rule', element: 'broken-rule@file', path: 'http.routers.broken-rule.rule' },
    { desc: 'missing service', element: 'missing-service@file', path: 'http.routers.missing-service.service' },
    { desc: 'unknown middleware key', element: 'auth@file', path: 'http.middlewares.auth.basicAuth.userz' },
  ];
  for (const e of expected) {
    const line = stderr.split('\n').find((l) => l.includes(e.path));
    assert.ok(line, `${e.desc}: no line names ${e.path}\n${stderr}`);
    assert.ok(line.includes(dynamicFile), `${e.desc}: the line names the file\n${line}`);
    assert.ok(line.includes(e.element), `${e.desc}: the line names the element\n${line}`);
  }
  assert.match(stderr, /3 error\(s\)|[3-9] error\(s\)/);
});

test('portico validate: a valid configuration exits 0 with a summary', async () => {
  const { code, stdout, stderr } = await run(['validate', `--configFile=${join(repoRoot, 'examples/basic/portico.yml')}`]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /configuration is valid.*1 router/);
});

test('the watcher gets the same mistakes: good routers keep serving', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-mistakes-'));
  const upstream = await startUpstream();
  const ports = new PortReservations();
  const web = await ports.reserve();
  const api = await ports.reserve();
  const bad = (await readFile(join(fixture, 'dynamic.yml'), 'utf8')).replace('http://127.0.0.1:1', upstream.url);
  const goodOnly = `http:\n  routers:\n    good:\n      rule: "PathPrefix(\`/good\`)"\n      service: backend\n  services:\n    backend:\n      loadBalancer:\n        servers:\n          - url: "${upstream.url}"\n`;
  await writeFile(join(dir, 'dynamic.yml'), goodOnly);
  await writeFile(join(dir, 'portico.yml'), `entryPoints:\n  web:\n    address: "127.0.0.1:${web}"\n  traefik:\n    address: "127.0.0.1:${api}"\napi:\n  insecure: true\nproviders:\n  providersThrottleDuration: 10ms\n  file:\n    filename: dynamic.yml\n    watch: true\n`);
  await ports.releaseAll();
  const portico = await startPortico({ configFile: join(dir, 'portico.yml'), apiPort: api });
  t.after(async () => {
    await portico.stop();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });
  await portico.waitForRouters(2); // good@file + api@internal
  assert.equal((await fetch(`http://127.0.0.1:${web}/good`)).status, 200);

  await writeFile(join(dir, 'dynamic.yml'), bad);
  const routers = await portico.waitForRouters(5);
  const byName = new Map(routers.map((r) => [r.name, r]));
  const cases = [
    { name: 'good@file', status: 'enabled' },
    { name: 'broken-rule@file', status: 'disabled' },
    { name: 'missing-service@file', status: 'disabled' },
    { name: 'typo-auth@file', status: 'disabled' },
  ];
  for (const c of cases) {
    assert.equal(byName.get(c.name)?.status, c.status, `${c.name}: ${JSON.stringify(byName.get(c.name))}`);
    if (c.status === 'disabled') assert.ok((byName.get(c.name)?.error ?? []).length > 0, `${c.name} says why`);
  }
  const requests = [
    { path: '/good', status: 200 },
    { path: '/broken', status: 404 },
    { path: '/missing', status: 404 },
    { path: '/auth', status: 404 }, // disabled, never silently open
  ];
  for (const r of requests) {
    const res = await fetch(`http://127.0.0.1:${web}${r.path}`);
    await res.arrayBuffer();
    assert.equal(res.status, r.status, r.path);
  }
  // A syntax error in the file keeps the previous configuration serving.
  await writeFile(join(dir, 'dynamic.yml'), 'http:\n  routers: [oops\n');
  await waitFor(() => /YAML syntax error/.test(portico.output()), { message: 'the syntax error is logged', timeoutMs: 5000 });
  assert.equal((await fetch(`http://127.0.0.1:${web}/good`)).status, 200);
});
