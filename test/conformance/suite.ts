/**
 * Runs one conformance file against one real Portico process: the file's planner configures entrypoints,
 * routers and fake upstreams; the suite writes the configuration, starts `portico`, waits until the API lists
 * every router and every entrypoint accepts connections, runs the cases a few at a time, and always tears
 * everything down (process, upstreams, temp dir), also on failure.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/poll.js';
import { startPortico, type ApiRouter, type PorticoProcess } from '../helpers/portico-process.js';
import { ConfigBuilder } from './config-builder.js';
import { PortReservations } from '../helpers/ports.js';
import { Tally, type CaseResult } from './results.js';
import { UpstreamPool } from './upstreams.js';

export type CheckOutcome = { outcome: 'pass' } | { outcome: 'fail' | 'notRunnable'; reason: string };

export const pass: CheckOutcome = { outcome: 'pass' };
export const fail = (reason: string): CheckOutcome => ({ outcome: 'fail', reason });
export const notRunnable = (reason: string): CheckOutcome => ({ outcome: 'notRunnable', reason });

export interface SuiteEnv {
  portico: PorticoProcess;
  /** Routers listed by the API once the configuration was applied, by full name (`r1@file`). */
  routers: Map<string, ApiRouter>;
}

export interface RunnableCase {
  id: string;
  desc: string;
  group: string;
  run(env: SuiteEnv): Promise<CheckOutcome>;
}

export interface SuiteContext {
  config: ConfigBuilder;
  upstreams: UpstreamPool;
  /** Scratch directory removed after the run (e.g. for usersFile contents). */
  tempDir: string;
}

export interface SuitePlan {
  /** Cases decided without running (not runnable here, not implemented yet, component). */
  settled: CaseResult[];
  runnable: RunnableCase[];
  /** Runs once Portico is ready, before the cases (e.g. calibration requests). */
  afterStart?: (env: SuiteEnv) => Promise<void>;
}

export interface SuiteOptions {
  concurrency?: number;
  readyTimeoutMs?: number;
  /** Run this instead of the installed `portico` (the harness's own tests use a fake). */
  command?: { file: string; args?: string[] };
}

export async function runSuite(prepare: (ctx: SuiteContext) => Promise<SuitePlan>, options: SuiteOptions = {}): Promise<Tally> {
  const tempDir = await mkdtemp(join(tmpdir(), 'portico-conformance-'));
  const ports = new PortReservations();
  const upstreams = new UpstreamPool();
  let portico: PorticoProcess | undefined;
  try {
    const config = new ConfigBuilder(ports);
    const plan = await prepare({ config, upstreams, tempDir });
    const apiPort = await ports.reserve();
    const configFile = await config.write(tempDir, apiPort);
    await ports.releaseAll();
    portico = await startPortico({ configFile, apiPort, command: options.command });

    const listed = await portico.waitForRouters(config.routerCount, { timeoutMs: options.readyTimeoutMs ?? 20_000 });
    await waitForListening(config.entryPointPorts, portico);
    const env: SuiteEnv = { portico, routers: new Map(listed.map((r) => [r.name, r])) };
    await plan.afterStart?.(env);

    const tally = new Tally();
    for (const r of plan.settled) tally.add(r);
    const outcomes = await mapWithConcurrency(plan.runnable, options.concurrency ?? 16, async (c) => {
      try {
        return await c.run(env);
      } catch (err) {
        return fail(`threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    plan.runnable.forEach((c, i) => {
      const o = outcomes[i];
      tally.add({ id: c.id, desc: c.desc, group: c.group, outcome: o.outcome, reason: o.outcome === 'pass' ? undefined : o.reason });
    });
    return tally;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // Failures while Portico runs carry its output, unless the message quotes it already (it exited).
    if (portico && !portico.exited()) throw new Error(`${msg}\n--- portico output ---\n${portico.output() || '(none)'}`, { cause: err });
    throw err;
  } finally {
    await ports.releaseAll();
    await portico?.stop();
    await upstreams.closeAll();
    await rm(tempDir, { recursive: true, force: true });
  }
}

/** Every entrypoint accepts TCP connections (the routers being listed does not prove the sockets are bound). */
async function waitForListening(ports: number[], portico: PorticoProcess): Promise<void> {
  const bail = (): Error | undefined => (portico.exited() ? new Error(`portico exited:\n${portico.output()}`) : undefined);
  await mapWithConcurrency(ports, 32, (port) =>
    waitFor(() => canConnect(port), { timeoutMs: 10_000, intervalMs: 20, message: `entrypoint 127.0.0.1:${port} to accept connections`, bail }),
  );
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Context for a failed request check: when the case's router is not enabled, its status and errors usually
 * explain the failure (a 404 from a disabled router looks like a routing miss otherwise).
 */
export function routerNote(env: SuiteEnv, name: string): string {
  const router = env.routers.get(`${name}@file`);
  if (router === undefined) return ` [router ${name}@file not listed by the API]`;
  if (router.status === 'enabled') return '';
  return ` [router ${name}@file is ${router.status}: ${JSON.stringify(router.error ?? [])}]`;
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
