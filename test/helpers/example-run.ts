/**
 * Runs a shipped example with the real `portico` command: the example's files are copied into a temporary
 * folder by the caller (`prepare`), the upstream address the example names (http://127.0.0.1:9001) is replaced
 * in its dynamic.yml by the test's upstream, and the `web` and `traefik` entrypoints are moved to free
 * loopback ports. Everything is stopped and removed when the test ends.
 */
import type { TestContext } from 'node:test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortico, type PorticoProcess } from './portico-process.js';
import { PortReservations } from './ports.js';
import type { Upstream } from './upstream.js';

/** The upstream address the examples' dynamic.yml files use. */
const EXAMPLE_UPSTREAM = 'http://127.0.0.1:9001';

export interface RunningExample {
  portico: PorticoProcess;
  /** The temporary folder holding the example's copy (portico.yml, dynamic.yml, …). */
  dir: string;
  /** Port of the `web` entrypoint. */
  web: number;
  /** Port of the `traefik` entrypoint (API, ping). */
  api: number;
}

export async function runExample(
  t: TestContext,
  opts: { name: string; upstream: Upstream; prepare: (dir: string) => Promise<void> },
): Promise<RunningExample> {
  const dir = await mkdtemp(join(tmpdir(), `portico-${opts.name}-`));
  let portico: PorticoProcess | undefined;
  t.after(async () => {
    await portico?.stop(); // the proxy first, so it never sees its upstream vanish mid-request
    await opts.upstream.close();
    await rm(dir, { recursive: true, force: true });
  });
  const ports = new PortReservations();
  const web = await ports.reserve();
  const api = await ports.reserve();
  await opts.prepare(dir);
  const dynamicFile = join(dir, 'dynamic.yml');
  await writeFile(dynamicFile, (await readFile(dynamicFile, 'utf8')).replace(EXAMPLE_UPSTREAM, opts.upstream.url));
  await ports.releaseAll();
  portico = await startPortico({
    configFile: join(dir, 'portico.yml'),
    apiPort: api,
    args: [`--entryPoints.web.address=127.0.0.1:${web}`, `--entryPoints.traefik.address=127.0.0.1:${api}`],
  });
  return { portico, dir, web, api };
}
