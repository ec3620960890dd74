import type { Logger } from 'pino';
import type { Handler, MiddlewareFactory } from '../http/exchange.js';
import type { ElementContext } from '../plugin/types.js';

/**
 * State that outlives a runtime generation, per element: rate-limit buckets, counters. A reload that keeps an
 * element keeps its state; state of elements that disappeared is dropped after the swap.
 */
export class StatePool {
  private states = new Map<string, Map<string, unknown>>();

  get<T>(element: string, key: string, create: () => T): T {
    let perElement = this.states.get(element);
    if (perElement === undefined) this.states.set(element, (perElement = new Map()));
    if (!perElement.has(key)) perElement.set(key, create());
    return perElement.get(key) as T;
  }

  /** Forgets the state of elements not in `alive`. */
  retain(alive: Set<string>): void {
    for (const element of this.states.keys()) if (!alive.has(element)) this.states.delete(element);
  }
}

/** Cleanup callbacks of one runtime generation, run when it is retired. */
export class CleanupList {
  private fns: (() => void | Promise<void>)[] = [];

  add(fn: () => void | Promise<void>): void {
    this.fns.push(fn);
  }

  async run(log: Logger): Promise<void> {
    const fns = this.fns;
    this.fns = [];
    for (const fn of fns.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.warn({ err }, 'cleanup failed');
      }
    }
  }
}

/** How an element's context resolves references to other elements (see ElementContext.middleware/service). */
export interface ReferenceResolver {
  middleware(from: string, name: string, path: string): MiddlewareFactory;
  service(from: string, name: string, path: string): Handler;
}

export function elementContext(
  element: string,
  provider: string,
  log: Logger,
  pool: StatePool,
  cleanups: CleanupList,
  refs?: ReferenceResolver,
): ElementContext {
  const ctx: ElementContext = {
    element,
    provider,
    log: log.child({ element }),
    state: (key, create) => pool.get(element, key, create),
    onCleanup: (fn) => cleanups.add(fn),
  };
  if (refs !== undefined) {
    ctx.middleware = (name, path = '') => refs.middleware(element, name, path);
    ctx.service = (name, path = '') => refs.service(element, name, path);
  }
  return ctx;
}
