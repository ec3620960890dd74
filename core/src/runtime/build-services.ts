import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Handler } from '../http/exchange.js';
import type { ServiceConfig } from '../config/dynamic/schema.js';
import { buildLoadBalancer } from '../service/load-balancer.js';
import { buildWeighted } from '../service/weighted.js';
import { buildMirroring } from '../service/mirroring.js';
import { buildFailover } from '../service/failover.js';
import { ServiceConfigError, type ChildService, type CompositeBuild, type ServiceBuild } from '../service/service-build.js';
import { errorOf, qualify, warnOf, type DynamicModel, type ElementRecord } from './model.js';
import type { CleanupList, StatePool } from './element-context.js';

export interface ServiceBuildOptions {
  dispatcherFor: (origin: string) => Dispatcher;
  /** The generation's cleanups: health-check timers and status listeners stop when it is retired. */
  cleanups: CleanupList;
  log: Logger;
  statePool: StatePool;
}

/** A reference from one service to another: the qualified target and the key path of the reference. */
interface ServiceRef {
  name: string;
  /** Relative to `http.services.<name>`, e.g. `weighted.services[1].name`. */
  path: string;
}

/**
 * Builds every valid service into a handler. Weighted, mirroring and failover services reference other
 * services by name (`x` = `x@<own provider>`, `x@p` as is), so services are built depth-first, children
 * before parents. A missing or disabled child, or a reference cycle, disables the parent with the error at
 * the reference's key path (`http.services.a.weighted.services[1].name`); a service that cannot be built is
 * disabled with its error; the others are unaffected.
 */
export function buildServices(model: DynamicModel, opts: ServiceBuildOptions): Map<string, Handler> {
  const built = new Map<string, ServiceBuild | null>();
  /** The services being built, outermost first, each with the reference it is following now. */
  const stack: { name: string; ref: ServiceRef | null }[] = [];
  const inCycle = new Set<string>();

  const build = (name: string): ServiceBuild | null => {
    const done = built.get(name);
    if (done !== undefined) return done;
    const rec = model.services.get(name)!;
    const entry = { name, ref: null as ServiceRef | null };
    stack.push(entry);
    let result: ServiceBuild | null = null;
    try {
      result = buildOne(rec, (ref) => {
        entry.ref = ref;
        return child(rec, ref);
      });
    } finally {
      stack.pop();
    }
    if (result === null) rec.config = undefined;
    built.set(name, result);
    return result;
  };

  /** Resolves one reference of `parent`; reports why it cannot be used, or returns the built child. */
  const child = (parent: ElementRecord<ServiceConfig>, ref: ServiceRef): ChildService | null => {
    const base = basePath(parent.name);
    const onStack = stack.findIndex((e) => e.name === ref.name);
    if (onStack !== -1) {
      const members = stack.slice(onStack);
      const loop = [...members.map((e) => e.name), ref.name].join(' → ');
      for (const m of members) {
        inCycle.add(m.name);
        errorOf(model.services.get(m.name)!, `services reference each other in a cycle: ${loop}`, `${basePath(m.name)}.${m.ref!.path}`);
      }
      return null;
    }
    const target = model.services.get(ref.name);
    if (target === undefined) {
      errorOf(parent, `service "${ref.name}" does not exist`, `${base}.${ref.path}`);
      return null;
    }
    const result = build(ref.name);
    if (result === null) {
      if (!inCycle.has(parent.name) || !inCycle.has(ref.name)) errorOf(parent, `service "${ref.name}" is disabled by its own errors`, `${base}.${ref.path}`);
      return null;
    }
    return { ...result, name: ref.name, path: ref.path };
  };

  const buildOne = (rec: ElementRecord<ServiceConfig>, resolve: (ref: ServiceRef) => ChildService | null): ServiceBuild | null => {
    const cfg = rec.config;
    if (cfg === undefined) return null;
    const base = basePath(rec.name);
    const ref = (name: string, path: string): ServiceRef => ({ name: qualify(name, rec.provider), path });
    try {
      if (cfg.loadBalancer !== undefined) return buildLoadBalancerService(rec, cfg.loadBalancer, opts);
      let composite: CompositeBuild | null = null;
      if (cfg.weighted !== undefined) {
        const w = cfg.weighted;
        const children = w.services.map((s, i) => resolve(ref(s.name, `weighted.services[${i}].name`)));
        if (children.some((c) => c === null)) return null;
        composite = buildWeighted(w, children as ChildService[], rec.name);
      } else if (cfg.mirroring !== undefined) {
        const m = cfg.mirroring;
        const main = resolve(ref(m.service, 'mirroring.service'));
        const mirrors = (m.mirrors ?? []).map((x, i) => resolve(ref(x.name, `mirroring.mirrors[${i}].name`)));
        if (main === null || mirrors.some((c) => c === null)) return null;
        composite = buildMirroring(m, main, mirrors as ChildService[], opts.log.child({ service: rec.name }));
      } else if (cfg.failover !== undefined) {
        const f = cfg.failover;
        const main = resolve(ref(f.service, 'failover.service'));
        const fallback = resolve(ref(f.fallback, 'failover.fallback'));
        if (main === null || fallback === null) return null;
        composite = buildFailover(f, main, fallback);
      }
      if (composite === null) return null;
      for (const w of composite.warnings) warnOf(rec, w.message, `${base}.${w.path}`);
      opts.cleanups.add(composite.close);
      return composite;
    } catch (err) {
      const path = err instanceof ServiceConfigError ? err.path : (err as { path?: string }).path;
      errorOf(rec, (err as Error).message, path ? `${base}.${path}` : base);
      return null;
    }
  };

  const handlers = new Map<string, Handler>();
  for (const name of model.services.keys()) {
    const result = build(name);
    if (result !== null) handlers.set(name, result.handler);
  }
  return handlers;
}

/** `http.services.<name without @provider>`: where a service's keys start. */
function basePath(qualified: string): string {
  return `http.services.${qualified.slice(0, qualified.lastIndexOf('@'))}`;
}

function buildLoadBalancerService(rec: ElementRecord<ServiceConfig>, cfg: NonNullable<ServiceConfig['loadBalancer']>, opts: ServiceBuildOptions): ServiceBuild {
  const lb = buildLoadBalancer(cfg, opts.dispatcherFor, {
    serviceName: rec.name,
    log: opts.log.child({ service: rec.name }),
    state: (key, create) => opts.statePool.get(rec.name, key, create),
  });
  opts.cleanups.add(() => lb.close());
  // The API shows each server's UP/DOWN (Traefik's serverStatus), read live at each call.
  rec.runtimeView = () => ({ serverStatus: lb.serverStatus() });
  for (const w of lb.warnings) warnOf(rec, w.message, `${basePath(rec.name)}.${w.path}`);
  return { handler: lb.handler, status: lb.status, healthChecked: lb.healthChecked };
}
