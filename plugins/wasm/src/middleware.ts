/**
 * The loader's entry point: turns a `.wasm` file enabled in static configuration
 * (`plugins.<name>: {wasm, config, limits, runtime}`) into a middleware plugin whose dynamic elements
 * (`middlewares.x.plugin.<name>: {...}`) each run their own instance.
 */
import { ConfigError, defineMiddleware, s, type MiddlewarePlugin } from '@portico/sdk';
import { WasmLoadError } from './binary/validate.js';
import { compileMiddlewareModule } from './compile-cache.js';
import { WasmElement } from './element.js';
import type { Logger } from './host/instance.js';
import { loadWorkerMiddleware } from './worker/load.js';

export interface WasmMiddlewareOptions {
  /** Static plugin name: the middleware type in dynamic configuration. */
  name: string;
  /** Path of the module, for messages. */
  file: string;
  bytes: Uint8Array;
  /** Static `plugins.<name>.config`. */
  config: Record<string, string>;
  /** `timeout` (a duration, default 1s) applies to the extism-worker runtime; `fuel` to the portico runtime. */
  limits: { maxMemoryPages: number; fuel: number; timeout?: string | number };
  runtime: 'portico' | 'extism-worker';
  /** extism-worker runtime: hosts `http_request` may reach (default none). */
  allowedHosts?: string[];
  log: Logger;
}

export const DEFAULT_LIMITS = { maxMemoryPages: 256, fuel: 10_000_000 };
/** The Extism arena is addressed with i32 in the kernel: keep its cap below 2 GiB. */
const MAX_ARENA_PAGES = 32767;

/** Static config overlaid by an element's options; non-string values JSON-encoded. */
export function elementConfig(base: Record<string, string>, options: Record<string, unknown>): Map<string, string> {
  const map = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(options)) map.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  return map;
}

function checkLimits(file: string, limits: WasmMiddlewareOptions['limits']): void {
  const { maxMemoryPages, fuel } = limits;
  if (!Number.isInteger(maxMemoryPages) || maxMemoryPages < 1 || maxMemoryPages > 65536) {
    throw new WasmLoadError(`${file}: limits.maxMemoryPages must be an integer within 1..65536, not ${maxMemoryPages}`);
  }
  if (!Number.isSafeInteger(fuel) || fuel < 1) throw new WasmLoadError(`${file}: limits.fuel must be a positive integer, not ${fuel}`);
}

export async function loadWasmMiddleware(opts: WasmMiddlewareOptions): Promise<MiddlewarePlugin> {
  if (opts.runtime === 'extism-worker') {
    checkLimits(opts.file, { ...opts.limits, fuel: opts.limits.fuel ?? 1 });
    return loadWorkerMiddleware(opts);
  }
  if (opts.runtime !== 'portico') throw new WasmLoadError(`${opts.file}: unknown runtime ${JSON.stringify(opts.runtime)} (portico or extism-worker)`);
  if (opts.allowedHosts !== undefined && opts.allowedHosts.length > 0) {
    throw new WasmLoadError(`${opts.file}: allowedHosts only applies to runtime: extism-worker (the portico runtime offers no outbound HTTP)`);
  }
  checkLimits(opts.file, opts.limits);
  const compiled = compileMiddlewareModule(opts.file, opts.bytes, opts.limits.maxMemoryPages, opts.limits.fuel);
  opts.log.info(
    { plugin: opts.name, file: opts.file, loadMs: Math.round(compiled.loadMs * 100) / 100, cached: compiled.cached, loops: compiled.prepared.loops },
    `wasm middleware ${opts.name} loaded from ${opts.file}`,
  );
  const arenaBytes = Math.min(opts.limits.maxMemoryPages, MAX_ARENA_PAGES) * 65536;
  return defineMiddleware({
    type: opts.name,
    description: `WebAssembly middleware ${opts.file}; options are passed to the module as config (config_get)`,
    schema: s.record(s.unknown(), { description: 'Free-form options: each key becomes a config_get key (non-strings JSON-encoded)' }),
    build(options, ctx) {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ConfigError('expected a map of options');
      const log = ctx.log;
      const element = new WasmElement(
        { plugin: opts.name, element: ctx.element, file: opts.file },
        { module: compiled.module, config: elementConfig(opts.config, options as Record<string, unknown>), fuel: opts.limits.fuel, arenaBytes, log },
        log,
      );
      ctx.onCleanup(() => element.close());
      return (next) => (ex) => element.handle(ex, next);
    },
  });
}
