/**
 * `runtime: extism-worker`: the opt-in isolated mode for modules that need WASI or outbound HTTP. The module
 * is validated and memory-capped once; each configured element gets a WorkerRunner (its own worker thread,
 * started when the element is built) and its requests await the call.
 */
import { ConfigError, defineMiddleware, parseDuration, s, statusText, type MiddlewarePlugin } from '@portico/sdk';
import { WasmLoadError } from '../binary/validate.js';
import { applyGuestDecision } from '../element.js';
import type { WasmMiddlewareOptions } from '../middleware.js';
import { prepareWorkerModule } from './prepare.js';
import { WorkerRunner } from './runner.js';

/** Default per-call time limit of the worker runtime. */
export const DEFAULT_WORKER_TIMEOUT_MS = 1000;

function timeoutMs(file: string, timeout: string | number | undefined): number {
  if (timeout === undefined) return DEFAULT_WORKER_TIMEOUT_MS;
  let ms: number;
  try {
    ms = parseDuration(timeout);
  } catch (err) {
    throw new WasmLoadError(`${file}: limits.timeout: ${(err as Error).message}`);
  }
  if (!(ms >= 1) || ms > 2 ** 31 - 1) throw new WasmLoadError(`${file}: limits.timeout must be at least 1ms and below 24 days, not ${JSON.stringify(timeout)}`);
  return ms;
}

export async function loadWorkerMiddleware(opts: WasmMiddlewareOptions): Promise<MiddlewarePlugin> {
  const started = performance.now();
  const prepared = await prepareWorkerModule(opts.file, opts.bytes, opts.limits.maxMemoryPages);
  const timeout = timeoutMs(opts.file, opts.limits.timeout);
  const allowedHosts = opts.allowedHosts ?? [];
  if (allowedHosts.some((h) => typeof h !== 'string' || h === '')) throw new WasmLoadError(`${opts.file}: allowedHosts must be non-empty host names`);
  opts.log.info(
    { plugin: opts.name, file: opts.file, runtime: 'extism-worker', loadMs: Math.round((performance.now() - started) * 100) / 100, wasi: prepared.usesWasi },
    `wasm middleware ${opts.name} loaded from ${opts.file} (extism-worker runtime)`,
  );
  return defineMiddleware({
    type: opts.name,
    description: `WebAssembly middleware ${opts.file} (run by @extism/extism in a worker); options are passed to the module as config (config_get)`,
    schema: s.record(s.unknown(), { description: 'Free-form options: each key becomes a config_get key (non-strings JSON-encoded)' }),
    build(options, ctx) {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ConfigError('expected a map of options');
      const config: Record<string, string> = { ...opts.config };
      for (const [k, v] of Object.entries(options as Record<string, unknown>)) config[k] = typeof v === 'string' ? v : JSON.stringify(v);
      const log = ctx.log;
      const runner = new WorkerRunner({ bytes: prepared.bytes, config, useWasi: prepared.usesWasi, allowedHosts, timeoutMs: timeout, log });
      runner.warmUp();
      ctx.onCleanup(() => runner.close());
      const fields = { plugin: opts.name, element: ctx.element, file: opts.file };
      const prefix = `wasm middleware ${ctx.element} (plugin ${opts.name}) failed: `;
      return (next) => async (ex) => {
        const r = await runner.call(ex);
        if (r.failure !== null) {
          log.error(fields, prefix + r.failure);
          ex.respond(500, statusText[500]);
          return;
        }
        return applyGuestDecision(ex, next, r.respondStatus, r.respondBody, r.responseHeaders);
      };
    },
  });
}
