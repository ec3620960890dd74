import type { Logger } from 'pino';
import type { MiddlewareFactory } from '../http/exchange.js';
import { ConfigError } from '../plugin/types.js';
import { errorOf, type DynamicModel } from './model.js';
import { CleanupList, elementContext, type StatePool } from './element-context.js';

/**
 * Runs each middleware element through its plugin's lifecycle (provision → validate → build). A failing step
 * disables that element only, with the error located at `http.middlewares.<name>.<type>.<path>`; the cleanups it
 * registered run at once (a failing step undoes the earlier ones).
 */
export async function buildMiddlewares(
  model: DynamicModel,
  log: Logger,
  pool: StatePool,
  cleanups: CleanupList,
): Promise<Map<string, MiddlewareFactory>> {
  const built = new Map<string, MiddlewareFactory>();
  for (const [name, rec] of model.middlewares) {
    const mw = rec.config;
    if (mw === undefined) continue;
    const own = new CleanupList();
    const ctx = elementContext(name, rec.provider, log, pool, own);
    const base = `http.middlewares.${name.slice(0, name.lastIndexOf('@'))}.${mw.type}`;
    try {
      const prepared = mw.plugin.provision ? await mw.plugin.provision(mw.options, ctx) : mw.options;
      mw.plugin.validate?.(prepared, ctx);
      const factory = mw.plugin.build(prepared, ctx);
      if (typeof factory !== 'function') throw new Error(`plugin ${mw.type} build() did not return a middleware function`);
      built.set(name, factory);
      cleanups.add(() => own.run(log));
    } catch (err) {
      const path = err instanceof ConfigError && err.path ? `${base}.${err.path}` : base;
      const message = err instanceof ConfigError ? err.message : `plugin ${mw.type} failed: ${(err as Error)?.message ?? String(err)}`;
      errorOf(rec, message, path);
      rec.config = undefined;
      await own.run(log);
    }
  }
  return built;
}
