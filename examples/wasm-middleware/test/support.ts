/**
 * Shared by the example's tests: compiling AssemblyScript with the kit's documented flags, and running one
 * module two ways — Portico's host (`loadWasmMiddleware` behind the middleware harness, real sockets) and the
 * @extism/extism reference runner — reduced to the same comparable outcome.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MiddlewarePlugin } from '@portico/sdk';
// The host is not a dependency of the example package (it only needs @portico/sdk and assemblyscript to
// build), so the tests reach it inside the work tree.
import { createExtismReference, DEFAULT_LIMITS, loadWasmMiddleware, type ExtismReference } from '@portico/plugin-wasm';
import { buildMiddleware, createTestContext, fakeUpstream, startHarness, type Harness, type TestContext, type UpstreamCall } from '../../../test/helpers/middleware-harness.js';

export const exampleRoot = fileURLToPath(new URL('../', import.meta.url));
export const middlewareWasm = join(exampleRoot, 'build', 'middleware.wasm');

/** The flags the kit documents (docs/plugins/assemblyscript.md); the example's `build` script uses the same. */
export const ASC_FLAGS = ['-O3', '--runtime', 'incremental', '--use', 'abort=~lib/@portico/sdk/assembly/abort/portico_abort'];

/** Compiles an AssemblyScript entry (relative to the example) to `outFile` with the kit's flags. */
export async function compileAssemblyScript(entry: string, outFile: string): Promise<Uint8Array> {
  await mkdir(dirname(outFile), { recursive: true });
  const asc = join(exampleRoot, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
  await promisify(execFile)(process.execPath, [asc, entry, ...ASC_FLAGS, '-o', outFile], { cwd: exampleRoot });
  return readFile(outFile);
}

/** The example module as `pnpm build` left it; compiled here when missing (a fresh checkout running only tests). */
export async function exampleModule(): Promise<Uint8Array> {
  if (!existsSync(middlewareWasm)) return compileAssemblyScript('assembly/index.ts', middlewareWasm);
  return readFile(middlewareWasm);
}

// ---------------------------------------------------------------------------------------------------------
// Logs

export interface LogLine {
  level: string;
  message: string;
}

/** A pino-shaped logger keeping every line (string arguments joined; objects ignored). */
export function capturingLogger(lines: LogLine[] = []): TestContext['log'] & { lines: LogLine[] } {
  const at = (level: string) => (...args: unknown[]) => {
    lines.push({ level, message: args.filter((a) => typeof a === 'string').join(' ') });
  };
  const log: Record<string, unknown> = { lines, level: 'debug' };
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) log[level] = at(level);
  log.child = () => log;
  return log as unknown as TestContext['log'] & { lines: LogLine[] };
}

// ---------------------------------------------------------------------------------------------------------
// One request, two hosts, one outcome

export interface ProbeRequest {
  method?: string;
  /** Path and query, as sent. */
  path: string;
  /** Lower-case names. */
  headers?: Record<string, string>;
}

/** What a request became: answered by the module, or forwarded (and how) and decorated on the way back. */
export interface Outcome {
  status: number;
  body: string;
  upstreamCalled: boolean;
  /** Path and query the upstream received. */
  forwardedPath?: string;
  /** Values of the watched request headers as forwarded (undefined = absent). */
  forwardedHeaders?: Record<string, string | undefined>;
  /** Values of the watched response headers the client received. */
  responseHeaders: Record<string, string | undefined>;
}

/** The upstream both hosts stand in front of. */
export const UPSTREAM_ANSWER = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'from upstream' };

export interface HostsUnderTest {
  portico(req: ProbeRequest): Promise<Outcome>;
  reference(req: ProbeRequest): Promise<Outcome>;
  /** Portico host: the element's log lines (guest logs and failure reports). */
  logs: LogLine[];
  /** Reference runner: what the guest logged through the SDK's logger. */
  referenceLogs: LogLine[];
  /** The reference runner itself, for exports other than handle_request. */
  ref: ExtismReference;
  close(): Promise<void>;
}

/**
 * Starts `bytes` under both hosts with the static `config` (plus element `options` on Portico's side, which
 * the reference receives merged, as the loader merges them). `watch` names the request and response headers
 * compared.
 */
export async function startBothHosts(
  bytes: Uint8Array,
  config: Record<string, string>,
  watch: { request: string[]; response: string[] },
  options: Record<string, string> = {},
): Promise<HostsUnderTest> {
  const logs: LogLine[] = [];
  const log = capturingLogger(logs);
  const plugin: MiddlewarePlugin = await loadWasmMiddleware({
    name: 'gate',
    file: 'middleware.wasm',
    bytes,
    config,
    limits: DEFAULT_LIMITS,
    runtime: 'portico',
    log,
  });
  const ctx: TestContext = { ...createTestContext({ element: 'gate@file' }), log };
  const factory = await buildMiddleware(plugin, options, ctx);
  const upstream = fakeUpstream(UPSTREAM_ANSWER);
  const harness: Harness = await startHarness({ middlewares: factory, terminal: upstream.handler });

  const referenceLogs: LogLine[] = [];
  const referenceLog = capturingLogger(referenceLogs) as unknown as Console;
  const ref: ExtismReference = await createExtismReference(bytes, { ...config, ...options }, referenceLog);

  const pick = (from: Record<string, string | string[] | undefined>, names: string[]) => {
    const out: Record<string, string | undefined> = {};
    for (const n of names) {
      const v = from[n];
      out[n] = Array.isArray(v) ? v.join(', ') : v;
    }
    return out;
  };

  return {
    logs,
    referenceLogs,
    ref,
    async portico(req) {
      const before = upstream.calls.length;
      const res = await harness.request({ method: req.method, path: req.path, headers: req.headers });
      const call: UpstreamCall | undefined = upstream.calls.length > before ? upstream.calls.at(-1) : undefined;
      return {
        status: res.status,
        body: res.body,
        upstreamCalled: call !== undefined,
        ...(call !== undefined && { forwardedPath: call.path, forwardedHeaders: pick(call.headers, watch.request) }),
        responseHeaders: pick(res.headers as Record<string, string | string[] | undefined>, watch.response),
      };
    },
    async reference(req) {
      const q = req.path.indexOf('?');
      const headers: Record<string, string> = { ...req.headers };
      const call = {
        method: req.method ?? 'GET',
        path: q === -1 ? req.path : req.path.slice(0, q),
        query: q === -1 ? null : req.path.slice(q + 1),
        headers,
        clientIp: '127.0.0.1',
      };
      const r = await ref.call(call);
      // A failed call: Portico answers a plain-text 500 and drops what the module asked for.
      if (r.rc !== 0) {
        return { status: 500, body: 'Internal Server Error', upstreamCalled: false, responseHeaders: pick({ 'content-type': 'text/plain; charset=utf-8' }, watch.response) };
      }
      const set = Object.fromEntries(r.responseHeaders ?? []);
      if (r.respondStatus !== 0) {
        const body = r.respondBody === null ? '' : Buffer.from(r.respondBody).toString('utf8');
        const defaults: Record<string, string> = body === '' ? {} : { 'content-type': 'text/plain; charset=utf-8' };
        return { status: r.respondStatus, body, upstreamCalled: false, responseHeaders: pick({ ...defaults, ...set }, watch.response) };
      }
      return {
        status: UPSTREAM_ANSWER.status,
        body: UPSTREAM_ANSWER.body,
        upstreamCalled: true,
        forwardedPath: (call.path === '' ? '/' : call.path) + (call.query === null ? '' : `?${call.query}`),
        forwardedHeaders: pick(call.headers, watch.request),
        responseHeaders: pick({ ...UPSTREAM_ANSWER.headers, ...set }, watch.response),
      };
    },
    async close() {
      await harness.close();
      await ref.close();
      await ctx.runCleanups();
    },
  };
}
