/**
 * The publishable example package end to end: `npm pack` it, enable it by name in a static configuration
 * (`plugins.requestId: {package, version, registry}`), use it from dynamic configuration as Traefik's
 * `plugin: {requestId: {}}`, and check that the real `portico` installs it and that proxied requests carry the
 * header. Then the source is removed — the local registry folder deleted, or the loopback registry closed —
 * and a second start still serves, from the lockfile and the kept tarball, with no network.
 *
 * Needs the built example (`pnpm build`: examples/npm-plugin/dist) and the installed `portico` command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, startPortico, type PorticoProcess } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/poll.js';
import { startRegistry, type Packed, type TestRegistry } from '../../plugins/loader/test/fixtures/npm/pack.js';

const run = promisify(execFile);
const exampleDir = join(repoRoot, 'examples', 'npm-plugin');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** `npm pack` of the built example into `dest` (scripts off: the build is `pnpm build`'s job). */
async function packExample(dest: string): Promise<Packed> {
  assert.ok(existsSync(join(exampleDir, 'dist', 'index.js')), `${exampleDir}/dist is missing: run \`pnpm build\` first`);
  const { stdout } = await run('npm', ['pack', exampleDir, '--pack-destination', dest, '--json', '--ignore-scripts'], { cwd: exampleDir });
  const [out] = JSON.parse(stdout) as Array<{ name: string; version: string; filename: string; integrity: string; shasum: string }>;
  return { name: out.name, version: out.version, file: join(dest, out.filename), integrity: out.integrity, shasum: out.shasum };
}

interface Setup {
  work: string;
  upstream: Upstream;
  web: number;
  api: number;
}

function configs(s: Setup, registry: string) {
  const staticConfig = {
    entryPoints: { web: { address: `127.0.0.1:${s.web}` }, traefik: { address: `127.0.0.1:${s.api}` } },
    api: { insecure: true },
    providers: { providersThrottleDuration: '10ms' },
    // Absolute paths: the helper writes the static file in a folder of its own, deleted at each stop.
    pluginHost: { directory: join(s.work, 'plugins'), lockFile: join(s.work, 'portico-plugins.lock.json') },
    plugins: { requestId: { package: 'portico-plugin-request-id', version: '^1.0.0', registry } },
  };
  const dynamicConfig = {
    http: {
      routers: { app: { rule: 'PathPrefix(`/`)', entryPoints: ['web'], middlewares: ['rid'], service: 'app' } },
      middlewares: { rid: { plugin: { requestId: {} } } },
      services: { app: { loadBalancer: { servers: [{ url: s.upstream.url }] } } },
    },
  };
  return { staticConfig, dynamicConfig, apiPort: s.api };
}

/** Requests through the proxy: a fresh id, then a client-chosen one kept. */
async function assertServesRequestIds(s: Setup, portico: PorticoProcess): Promise<void> {
  await portico.waitForRouters(1);
  const before = s.upstream.received.length;
  const res = await fetch(`http://127.0.0.1:${s.web}/hello`);
  await res.arrayBuffer();
  assert.equal(res.status, 200, portico.output());
  const sent = s.upstream.received[before].headers['x-request-id'];
  assert.match(String(sent), UUID, 'the upstream received a generated id');
  assert.equal(res.headers.get('x-request-id'), sent, 'the response echoes it');

  const kept = await fetch(`http://127.0.0.1:${s.web}/hello`, { headers: { 'x-request-id': 'client-id-42' } });
  await kept.arrayBuffer();
  assert.equal(s.upstream.received[before + 1].headers['x-request-id'], 'client-id-42');
  assert.equal(kept.headers.get('x-request-id'), 'client-id-42');
}

async function setUp(t: { after(fn: () => Promise<void>): void }): Promise<Setup> {
  const work = await mkdtemp(join(tmpdir(), 'portico-npm-plugin-'));
  const upstream = await startUpstream();
  const ports = new PortReservations();
  const web = await ports.reserve();
  const api = await ports.reserve();
  await ports.releaseAll();
  t.after(async () => {
    await upstream.close();
    await rm(work, { recursive: true, force: true });
  });
  return { work, upstream, web, api };
}

const sources: Array<{ description: string; open(s: Setup, packed: (dir: string) => Promise<Packed>): Promise<{ registry: string; pack: Packed; remove(): Promise<void> }> }> = [
  {
    description: 'a local registry folder, then deleted',
    open: async (s, pack) => {
      const folder = join(s.work, 'registry');
      await mkdir(folder);
      const packed = await pack(folder);
      return { registry: folder, pack: packed, remove: () => rm(folder, { recursive: true }) };
    },
  },
  {
    description: 'a loopback npm registry, then closed',
    open: async (s, pack) => {
      const folder = join(s.work, 'packs');
      await mkdir(folder);
      const packed = await pack(folder);
      const registry: TestRegistry = await startRegistry([packed]);
      return { registry: registry.url, pack: packed, remove: () => registry.close() };
    },
  },
];

for (const source of sources) {
  test(`npm plugin from ${source.description}: installed, serves, restarts from the lockfile`, async (t) => {
    const s = await setUp(t);
    const src = await source.open(s, packExample);
    const options = configs(s, src.registry);

    const first = await startPortico(options);
    t.after(() => first.stop());
    await assertServesRequestIds(s, first);
    await first.stop();

    const lockFile = join(s.work, 'portico-plugins.lock.json');
    const lock = JSON.parse(await readFile(lockFile, 'utf8')) as { plugins: Record<string, { package: string; version: string; integrity: string }> };
    assert.deepEqual(
      { package: lock.plugins.requestId.package, version: lock.plugins.requestId.version, integrity: lock.plugins.requestId.integrity },
      { package: 'portico-plugin-request-id', version: src.pack.version, integrity: src.pack.integrity },
      'pinned with the integrity npm pack printed',
    );
    const lockText = await readFile(lockFile, 'utf8');

    await src.remove();
    const second = await startPortico(options);
    t.after(() => second.stop());
    await assertServesRequestIds(s, second);
    await second.stop();
    assert.equal(await readFile(lockFile, 'utf8'), lockText, 'the second start changed nothing in the lockfile');
  });
}

test('npm plugin not installed and offline: start-up fails, naming the plugin and what to do', async (t) => {
  const s = await setUp(t);
  const options = configs(s, 'https://registry.npmjs.org');
  (options.staticConfig.pluginHost as Record<string, unknown>).offline = true;
  const portico = await startPortico(options);
  t.after(() => portico.stop());
  const exit = await waitFor(() => portico.exited(), { timeoutMs: 20_000, message: 'portico to exit' });
  assert.notEqual(exit.code, 0);
  const output = portico.output();
  assert.match(output, /plugins\.requestId/);
  assert.match(output, /portico-plugin-request-id/);
  assert.match(output, /offline is set/);
  assert.equal(s.upstream.received.length, 0);
});
