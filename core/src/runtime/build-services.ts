import type { Dispatcher } from 'undici';
import type { Handler } from '../http/exchange.js';
import { buildLoadBalancer } from '../service/load-balancer.js';
import { errorOf, warnOf, type DynamicModel } from './model.js';

/** Builds every valid service into a handler; a service that cannot be built is disabled with its error. */
export function buildServices(model: DynamicModel, dispatcherFor: (origin: string) => Dispatcher): Map<string, Handler> {
  const built = new Map<string, Handler>();
  for (const [name, rec] of model.services) {
    const lb = rec.config?.loadBalancer;
    if (lb === undefined) continue;
    const base = `http.services.${name.slice(0, name.lastIndexOf('@'))}`;
    try {
      const result = buildLoadBalancer(lb, dispatcherFor);
      for (const w of result.warnings) warnOf(rec, w.message, `${base}.${w.path}`);
      built.set(name, result.handler);
    } catch (err) {
      const path = (err as { path?: string }).path;
      errorOf(rec, (err as Error).message, path ? `${base}.${path}` : base);
      rec.config = undefined;
    }
  }
  return built;
}
