/**
 * Starts and stops the real `portico` CLI (the built standard distribution) for integration and conformance
 * tests, the way a Traefik user runs it: `portico --configFile=<static.yml>`.
 *
 *   const portico = await startPortico({ staticConfig, dynamicConfig, apiPort });
 *   await portico.waitForRouters(3);
 *   ...
 *   await portico.stop();   // always, e.g. in `finally` or `after`
 *
 * Children still running when the test process exits are killed, so a failing test leaves no server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { waitFor } from './poll.js';

/** Root of the work tree: set by test/run.mjs, else derived from this file's place (test/helpers/). */
export const repoRoot: string = process.env.PORTICO_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));

/** The installed `portico` command (a pnpm shim that execs node on plugins/standard/bin/portico.js). */
export const porticoBin: string = join(repoRoot, 'node_modules', '.bin', 'portico');

export interface StartPorticoOptions {
  /** Path of an existing static configuration file. Either this or `staticConfig`. */
  configFile?: string;
  /** Static configuration as an object; written as YAML to a temporary directory owned by the process handle. */
  staticConfig?: Record<string, unknown>;
  /**
   * Dynamic configuration as an object; written next to the static file and, unless the static configuration
   * already names a file provider, wired in as `providers.file.filename` (watch: false).
   */
  dynamicConfig?: Record<string, unknown>;
  /** Port of the `traefik` entrypoint serving the API; read from `staticConfig.entryPoints.traefik` when absent. */
  apiPort?: number;
  /** Extra CLI arguments, after `--configFile=`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Command to run instead of the installed `portico` (tests of this helper use a fake). */
  command?: { file: string; args?: string[] };
  /** Bytes of stdout+stderr kept for error messages (default 64 KiB). */
  outputLimit?: number;
}

/** One entry of `GET /api/http/routers` (fields Portico/Traefik report; others pass through). */
export interface ApiRouter {
  name: string;
  status?: 'enabled' | 'disabled' | 'warning' | string;
  error?: string[];
  rule?: string;
  priority?: number;
  entryPoints?: string[];
  service?: string;
  [key: string]: unknown;
}

export interface PorticoProcess {
  readonly pid: number | undefined;
  /** `http://127.0.0.1:<apiPort>` when the API port is known. */
  readonly apiUrl: string | undefined;
  readonly configFile: string;
  /** Exit code/signal once the process has exited, else undefined. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The tail of stdout and stderr, interleaved as received. */
  output(): string;
  /** GET an API path (e.g. `/api/rawdata`); throws on a non-2xx status. */
  api<T = unknown>(path: string): Promise<T>;
  /** Every router of `GET /api/http/routers`, following the API's pagination. */
  routers(): Promise<ApiRouter[]>;
  /** Polls the API until at least `count` routers are listed (the configuration is applied); returns them. */
  waitForRouters(count: number, options?: { timeoutMs?: number }): Promise<ApiRouter[]>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5000); resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startPortico(options: StartPorticoOptions): Promise<PorticoProcess> {
  let ownedDir: string | undefined;
  let configFile = options.configFile;
  if (configFile === undefined) {
    if (options.staticConfig === undefined) throw new Error('startPortico: give configFile or staticConfig');
    ownedDir = await mkdtemp(join(tmpdir(), 'portico-test-'));
    const staticConfig = structuredClone(options.staticConfig);
    if (options.dynamicConfig !== undefined) {
      const dynamicFile = join(ownedDir, 'dynamic.yml');
      await writeFile(dynamicFile, stringify(options.dynamicConfig, { lineWidth: 0 }));
      const providers = (staticConfig.providers ??= {}) as Record<string, unknown>;
      providers.file ??= { filename: dynamicFile, watch: false };
    }
    configFile = join(ownedDir, 'static.yml');
    await writeFile(configFile, stringify(staticConfig, { lineWidth: 0 }));
  }

  const apiPort = options.apiPort ?? apiPortOf(options.staticConfig);
  const apiUrl = apiPort === undefined ? undefined : `http://127.0.0.1:${apiPort}`;
  const command = options.command ?? { file: porticoBin };
  if (options.command === undefined && !existsSync(porticoBin)) {
    throw new Error(`${porticoBin} is missing: run \`pnpm install\` and \`pnpm build\` in ${repoRoot}`);
  }

  const child = spawn(command.file, [...(command.args ?? []), `--configFile=${configFile}`, ...(options.args ?? [])], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  const limit = options.outputLimit ?? 64 * 1024;
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > limit) output = output.slice(output.length - limit);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      spawnError = err;
      exitInfo ??= { code: null, signal: null };
      running.delete(child);
      resolve();
    });
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      running.delete(child);
      resolve();
    });
  });

  const describeExit = (): Error | undefined => {
    if (exitInfo === undefined) return undefined;
    const how = spawnError ? `could not start (${spawnError.message})` : `exited with ${exitInfo.signal ?? `code ${exitInfo.code}`}`;
    return new Error(`portico ${how}; output:\n${output || '(none)'}`);
  };

  const api = async <T>(path: string): Promise<T> => {
    if (apiUrl === undefined) throw new Error('startPortico: the API port is unknown (give apiPort)');
    const res = await fetch(apiUrl + path);
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  };

  const routers = async (): Promise<ApiRouter[]> => {
    // Traefik paginates API lists (X-Next-Page names the next page, "1" on the last one).
    const all: ApiRouter[] = [];
    for (let page = 1; ; ) {
      if (apiUrl === undefined) throw new Error('startPortico: the API port is unknown (give apiPort)');
      const res = await fetch(`${apiUrl}/api/http/routers?per_page=1000&page=${page}`);
      const text = await res.text();
      if (!res.ok) throw new Error(`GET /api/http/routers: ${res.status} ${text.slice(0, 200)}`);
      all.push(...(JSON.parse(text) as ApiRouter[]));
      const next = Number(res.headers.get('x-next-page') ?? '1');
      if (!(next > page)) return all;
      page = next;
    }
  };

  let stopping: Promise<void> | undefined;
  const handle: PorticoProcess = {
    pid: child.pid,
    apiUrl,
    configFile,
    exited: () => exitInfo,
    output: () => output,
    api,
    routers,
    waitForRouters: async (count, opts = {}) =>
      waitFor(
        async () => {
          const list = await routers();
          return list.length >= count ? list : undefined;
        },
        { timeoutMs: opts.timeoutMs ?? 20_000, intervalMs: 50, message: `${count} routers listed by ${apiUrl}/api/http/routers`, bail: describeExit },
      ),
    stop: (graceMs = 5000) =>
      (stopping ??= (async () => {
        if (exitInfo === undefined) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exitedPromise;
          clearTimeout(timer);
        }
        if (ownedDir !== undefined) await rm(ownedDir, { recursive: true, force: true });
      })()),
  };
  return handle;
}

function apiPortOf(staticConfig: Record<string, unknown> | undefined): number | undefined {
  const entryPoints = staticConfig?.entryPoints as Record<string, { address?: string }> | undefined;
  const address = entryPoints?.traefik?.address;
  const port = address === undefined ? NaN : Number(address.slice(address.lastIndexOf(':') + 1));
  return Number.isInteger(port) && port > 0 ? port : undefined;
}
