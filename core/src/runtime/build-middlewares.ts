import type { Logger } from 'pino';
import type { Handler, MiddlewareFactory } from '../http/exchange.js';
import { ConfigError } from '../plugin/types.js';
import { errorOf, qualify, type DynamicModel, type ElementRecord, type MiddlewareElement } from './model.js';
import { CleanupList, elementContext, type ReferenceResolver, type StatePool } from './element-context.js';

/** Raised when a reference closes a cycle; `cycle` lists the elements, first one repeated at the end. */
export class ReferenceCycleError extends ConfigError {
  constructor(
    readonly cycle: string[],
    path: string,
  ) {
    super(`middleware reference cycle: ${cycle.join(' → ')}`, path);
    this.name = 'ReferenceCycleError';
  }
}

/** Where one element is in its lifecycle. Provision (async) runs for all first; validate + build on demand. */
type Slot =
  | { state: 'prepared' | 'building'; rec: ElementRecord<MiddlewareElement>; mw: MiddlewareElement; prepared: unknown; ctx: ReturnType<typeof elementContext>; own: CleanupList }
  | { state: 'built'; factory: MiddlewareFactory }
  | { state: 'failed'; cycle?: string[] };

/**
 * Runs each middleware element through its plugin's lifecycle (provision → validate → build). A failing step
 * disables that element only, with the error located at `http.middlewares.<name>.<type>.<path>`; the cleanups it
 * registered run (a failing step undoes the earlier ones).
 *
 * Elements may reference other middlewares (chain) and services (errors) through `ctx.middleware()` /
 * `ctx.service()`: every element is provisioned first, then validate + build run in dependency order — a
 * referenced middleware is built on demand, before the element that asked for it, and a reference back to an
 * element still being built is a cycle. `services` must therefore be built before this runs.
 */
export async function buildMiddlewares(
  model: DynamicModel,
  log: Logger,
  pool: StatePool,
  cleanups: CleanupList,
  services: ReadonlyMap<string, Handler> = new Map(),
): Promise<Map<string, MiddlewareFactory>> {
  const built = new Map<string, MiddlewareFactory>();
  const slots = new Map<string, Slot>();
  /** Elements being validated/built, outermost first: a reference to one of them is a cycle. */
  const stack: string[] = [];
  /** Cleanups of elements that failed during the synchronous build phase, run once it is over. */
  const undo: CleanupList[] = [];
  let building = false;

  const fail = (name: string, rec: ElementRecord<MiddlewareElement>, type: string, err: unknown): Slot => {
    const base = `http.middlewares.${name.slice(0, name.lastIndexOf('@'))}.${type}`;
    const path = err instanceof ConfigError && err.path ? `${base}.${err.path}` : base;
    const message = err instanceof ConfigError ? err.message : `plugin ${type} failed: ${(err as Error)?.message ?? String(err)}`;
    errorOf(rec, message, path);
    rec.config = undefined;
    return { state: 'failed', cycle: err instanceof ReferenceCycleError ? err.cycle : undefined };
  };

  const buildOne = (name: string): void => {
    const slot = slots.get(name);
    if (slot === undefined || slot.state !== 'prepared') return;
    slot.state = 'building';
    stack.push(name);
    try {
      slot.mw.plugin.validate?.(slot.prepared, slot.ctx);
      const factory = slot.mw.plugin.build(slot.prepared, slot.ctx);
      if (typeof factory !== 'function') throw new Error(`plugin ${slot.mw.type} build() did not return a middleware function`);
      slots.set(name, { state: 'built', factory });
      built.set(name, factory);
      cleanups.add(() => slot.own.run(log));
    } catch (err) {
      slots.set(name, fail(name, slot.rec, slot.mw.type, err));
      undo.push(slot.own);
    } finally {
      stack.pop();
    }
  };

  const refs: ReferenceResolver = {
    middleware(from, ref, path) {
      if (!building) throw new ConfigError('middleware references can be resolved in validate() and build() only', path);
      const name = qualify(ref, providerOf(from));
      let slot = slots.get(name);
      if (slot === undefined) {
        throw new ConfigError(model.middlewares.has(name) ? `middleware "${name}" is disabled by its own errors` : `middleware "${name}" does not exist`, path);
      }
      if (slot.state === 'prepared') {
        buildOne(name);
        slot = slots.get(name)!;
      }
      if (slot.state === 'built') return slot.factory;
      if (slot.state === 'building') throw new ReferenceCycleError([...stack.slice(stack.indexOf(name)), name], path);
      // The referenced element failed; when it failed by closing a cycle through this element, say so here too.
      if (slot.state === 'failed' && slot.cycle?.includes(from)) throw new ReferenceCycleError(rotate(slot.cycle, from), path);
      throw new ConfigError(`middleware "${name}" is disabled by its own errors`, path);
    },
    service(from, ref, path) {
      const name = qualify(ref, providerOf(from));
      const handler = services.get(name);
      if (handler !== undefined) return handler;
      throw new ConfigError(model.services.has(name) ? `service "${name}" is disabled by its own errors` : `service "${name}" does not exist`, path);
    },
  };

  // Provision every element (may be async; references are not available yet).
  for (const [name, rec] of model.middlewares) {
    const mw = rec.config;
    if (mw === undefined) continue;
    const own = new CleanupList();
    const ctx = elementContext(name, rec.provider, log, pool, own, refs);
    try {
      const prepared = mw.plugin.provision ? await mw.plugin.provision(mw.options, ctx) : mw.options;
      slots.set(name, { state: 'prepared', rec, mw, prepared, ctx, own });
    } catch (err) {
      slots.set(name, fail(name, rec, mw.type, err));
      await own.run(log);
    }
  }

  // Validate + build, dependencies first (buildOne recurses through ctx.middleware()).
  building = true;
  for (const name of slots.keys()) buildOne(name);
  building = false;
  for (const own of undo) await own.run(log);
  return built;
}

function providerOf(element: string): string {
  return element.slice(element.lastIndexOf('@') + 1);
}

/** The cycle [a, b, c, a] seen from `start` (one of its members): [start, …, start]. */
function rotate(cycle: string[], start: string): string[] {
  const ring = cycle.slice(0, -1);
  const i = ring.indexOf(start);
  const turned = [...ring.slice(i), ...ring.slice(0, i)];
  return [...turned, start];
}
