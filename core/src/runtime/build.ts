import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { ProviderSnapshot } from '../plugin/types.js';
import type { PluginRegistry } from '../plugin/registry.js';
import type { ConfigIssue } from '../config/issues.js';
import { buildModel, type DynamicModel } from './model.js';
import { buildMiddlewares } from './build-middlewares.js';
import { buildServices } from './build-services.js';
import { buildRouters, type EntryPointRoutingDef } from './build-routers.js';
import { routerTable } from './router-table.js';
import { CleanupList, type StatePool } from './element-context.js';
import type { Route, Runtime } from './runtime.js';

export interface BuildOptions {
  generation: number;
  snapshots: Map<string, ProviderSnapshot>;
  registry: PluginRegistry;
  entryPoints: EntryPointRoutingDef[];
  /** Routes the kernel adds itself (api@internal, ping@internal, redirections), per entrypoint. */
  internalRoutes: Map<string, Route[]>;
  defaultRuleSyntax: 'v3' | 'v2';
  precedence: string[];
  log: Logger;
  statePool: StatePool;
  dispatcherFor: (origin: string) => Dispatcher;
  /** Called with the decoded model before elements are built (the configDecoded hook). */
  onDecoded?: (model: DynamicModel) => void;
}

/** Builds a complete runtime generation on the side. Never throws for configuration problems: they become issues. */
export async function buildRuntime(o: BuildOptions): Promise<Runtime> {
  const model = buildModel(o.snapshots, o.registry);
  o.onDecoded?.(model);
  const cleanups = new CleanupList();
  // Services first: middlewares may reference one (errors → its error-page service), never the reverse.
  const services = buildServices(model, { dispatcherFor: o.dispatcherFor, cleanups, log: o.log, statePool: o.statePool });
  const middlewares = await buildMiddlewares(model, o.log, o.statePool, cleanups, services);
  const { routes, info } = buildRouters(model, o.entryPoints, services, middlewares, {
    defaultRuleSyntax: o.defaultRuleSyntax,
  });
  // Internal routers (api@internal, ping@internal, redirections) are listed like Traefik lists them.
  for (const [ep, list] of o.internalRoutes) {
    for (const r of list) {
      const known = info.get(r.name);
      if (known) known.using.push(ep);
      else info.set(r.name, { name: r.name, provider: 'internal', status: 'enabled', rule: r.rule ?? '', priority: r.priority, entryPoints: [ep], service: r.name, using: [ep] });
    }
  }
  const handlers = new Map<string, ReturnType<typeof routerTable>>();
  for (const ep of o.entryPoints) {
    handlers.set(ep.name, routerTable([...(routes.get(ep.name) ?? []), ...(o.internalRoutes.get(ep.name) ?? [])], o.precedence));
  }
  return { generation: o.generation, handlers, model, routers: info, issues: collectIssues(model), cleanups };
}

export function collectIssues(model: DynamicModel): ConfigIssue[] {
  const out = [...model.issues];
  for (const map of [model.routers, model.services, model.middlewares, model.serversTransports]) {
    for (const rec of (map as Map<string, { issues: ConfigIssue[] }>).values()) out.push(...rec.issues);
  }
  return out;
}
