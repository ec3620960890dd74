/**
 * Test helpers: a logger that records what it is given, and "fixture → built middleware behind the harness".
 */
import type { ElementContext, MiddlewareFactory } from '@portico/sdk';
import { loadWasmMiddleware, DEFAULT_LIMITS, type WasmMiddlewareOptions } from '../../src/index.js';
import { buildMiddleware, createTestContext, fakeUpstream, startHarness, type Harness, type TestContext, type UpstreamBehaviour } from '../../../../test/helpers/middleware-harness.js';
import { fixtureWasm } from './wat.js';

export interface LogEntry {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

export type CapturingLogger = ElementContext['log'] & { entries: LogEntry[] };

export function capturingLogger(): CapturingLogger {
  const entries: LogEntry[] = [];
  const at =
    (level: string) =>
    (a: unknown, b?: unknown): void => {
      if (typeof a === 'string') entries.push({ level, fields: {}, msg: a });
      else entries.push({ level, fields: (a ?? {}) as Record<string, unknown>, msg: String(b ?? '') });
    };
  const log: Record<string, unknown> = { entries, level: 'info', trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') };
  log.child = () => log;
  return log as unknown as CapturingLogger;
}

export interface LoadedFixture {
  mw: MiddlewareFactory;
  log: CapturingLogger;
  ctx: TestContext;
}

/** Loads test/fixtures/<name>.wat as plugin `name`, builds one element with `options`. */
export async function buildFixture(
  fixture: string,
  options: Record<string, unknown> = {},
  overrides: Partial<WasmMiddlewareOptions> = {},
): Promise<LoadedFixture> {
  const log = capturingLogger();
  const bytes = await fixtureWasm(fixture);
  const plugin = await loadWasmMiddleware({ name: fixture, file: `${fixture}.wasm`, bytes, config: {}, limits: DEFAULT_LIMITS, runtime: 'portico', log, ...overrides });
  const ctx: TestContext = { ...createTestContext({ element: `${fixture}-element@file` }), log };
  const mw = await buildMiddleware(plugin, options, ctx);
  return { mw, log, ctx };
}

/** A harness with the fixture's middleware in front of a fake upstream answering `answer`. */
export async function fixtureHarness(
  fixture: string,
  options: Record<string, unknown> = {},
  opts: { answer?: UpstreamBehaviour; overrides?: Partial<WasmMiddlewareOptions>; clientIp?: string } = {},
): Promise<{ h: Harness; upstream: ReturnType<typeof fakeUpstream>; log: CapturingLogger }> {
  const { mw, log } = await buildFixture(fixture, options, opts.overrides);
  const upstream = fakeUpstream(opts.answer ?? { status: 200, body: 'upstream' });
  const h = await startHarness({ middlewares: mw, terminal: upstream.handler, clientIp: opts.clientIp });
  return { h, upstream, log };
}
