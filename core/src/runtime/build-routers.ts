import type { Handler, MiddlewareFactory } from '../http/exchange.js';
import { compileRule, defaultPriority, hostIndexKeys, RuleError } from '../rules/index.js';
import { errorOf, warnOf, qualify, statusOf, type DynamicModel } from './model.js';
import type { Route, RouterInfo } from './runtime.js';

export interface EntryPointRoutingDef {
  name: string;
  /** Receives routers that name no entrypoint (when any entrypoint sets asDefault, only those). */
  isDefault: boolean;
  /** entryPoints.<name>.http.middlewares: applied before each router's own. */
  middlewares: string[];
}

/** Traefik rejects user priorities above MaxInt64-1000 (reserved for its internal routers). */
const MAX_USER_PRIORITY = Number.MAX_SAFE_INTEGER - 1000;

/**
 * Compiles every router: rule → matcher, references → handlers, chain composed once. A router whose rule,
 * service, middleware or entrypoints are unusable is disabled with the reason; the others are unaffected.
 * Returns the routes per entrypoint (unsorted) and what the API shows.
 */
export function buildRouters(
  model: DynamicModel,
  entryPoints: EntryPointRoutingDef[],
  services: Map<string, Handler>,
  middlewares: Map<string, MiddlewareFactory>,
  opts: { defaultRuleSyntax: 'v3' | 'v2' },
): { routes: Map<string, Route[]>; info: Map<string, RouterInfo> } {
  const routes = new Map<string, Route[]>(entryPoints.map((ep) => [ep.name, []]));
  const info = new Map<string, RouterInfo>();
  const epNames = new Set(entryPoints.map((ep) => ep.name));
  const defaults = entryPoints.some((ep) => ep.isDefault) ? entryPoints.filter((ep) => ep.isDefault) : entryPoints;

  for (const [name, rec] of model.routers) {
    const cfg = rec.config;
    const base = `http.routers.${name.slice(0, name.lastIndexOf('@'))}`;
    const raw = (rec.raw ?? {}) as Record<string, unknown>;
    const rule = cfg?.rule ?? String(raw.rule ?? '');
    let priority = cfg?.priority ?? 0;
    if (cfg !== undefined && cfg.priority === undefined) priority = defaultPriority(rule);
    const routerInfo: RouterInfo = {
      name,
      provider: rec.provider,
      status: 'disabled',
      rule,
      priority,
      entryPoints: [],
      service: cfg ? qualify(cfg.service, rec.provider) : String(raw.service ?? ''),
      using: [],
    };
    info.set(name, routerInfo);
    if (cfg === undefined) {
      finish(routerInfo, rec);
      continue;
    }
    if (cfg.ruleSyntax) routerInfo.ruleSyntax = cfg.ruleSyntax;
    if (cfg.priority !== undefined && cfg.priority > MAX_USER_PRIORITY) errorOf(rec, `priority must be at most ${MAX_USER_PRIORITY}`, `${base}.priority`);

    let match: ((input: never) => boolean) | undefined;
    let hosts: string[] | undefined;
    try {
      match = compileRule(cfg.rule, cfg.ruleSyntax ?? opts.defaultRuleSyntax) as (input: never) => boolean;
      hosts = hostIndexKeys(cfg.rule, cfg.ruleSyntax ?? opts.defaultRuleSyntax);
    } catch (err) {
      errorOf(rec, err instanceof RuleError ? err.message : `invalid rule: ${String((err as Error)?.message ?? err)}`, `${base}.rule`);
    }

    const eps = cfg.entryPoints ?? defaults.map((ep) => ep.name);
    routerInfo.entryPoints = eps;
    const using = eps.filter((ep) => epNames.has(ep));
    eps.forEach((ep, i) => {
      if (!epNames.has(ep)) (using.length > 0 ? warnOf : errorOf)(rec, `entryPoint "${ep}" doesn't exist`, `${base}.entryPoints[${i}]`);
    });
    if (eps.length === 0) errorOf(rec, 'no entrypoint for this router', `${base}.entryPoints`);

    const serviceName = routerInfo.service;
    const service = services.get(serviceName);
    if (service === undefined) {
      const exists = model.services.has(serviceName);
      errorOf(rec, exists ? `service "${serviceName}" is disabled by its own errors` : `service "${serviceName}" does not exist`, `${base}.service`);
    }

    // Chains differ per entrypoint only when entrypoints declare default middlewares.
    const chains = new Map<string, Handler>();
    const routerMws = (cfg.middlewares ?? []).map((m) => qualify(m, rec.provider));
    if (routerMws.length > 0) routerInfo.middlewares = routerMws;
    for (const ep of entryPoints) {
      if (!using.includes(ep.name) || service === undefined) continue;
      const names = [...ep.middlewares.map((m) => qualify(m, rec.provider)), ...routerMws];
      const factories: MiddlewareFactory[] = [];
      names.forEach((mwName) => {
        const f = middlewares.get(mwName);
        if (f !== undefined) factories.push(f);
        else {
          const idx = routerMws.indexOf(mwName);
          const path = idx === -1 ? `entryPoints.${ep.name}.http.middlewares` : `${base}.middlewares[${idx}]`;
          errorOf(rec, model.middlewares.has(mwName) ? `middleware "${mwName}" is disabled by its own errors` : `middleware "${mwName}" does not exist`, path);
        }
      });
      chains.set(ep.name, compose(factories, service, name, serviceName));
    }

    finish(routerInfo, rec);
    if (routerInfo.status === 'disabled' || match === undefined) continue;
    routerInfo.using = using;
    for (const ep of using) {
      routes.get(ep)!.push({ name, priority, provider: rec.provider, match, handler: chains.get(ep)!, hosts });
    }
  }
  return { routes, info };
}

function finish(routerInfo: RouterInfo, rec: Parameters<typeof statusOf>[0] & { issues: { message: string; severity: string }[] }): void {
  routerInfo.status = statusOf(rec);
  if (rec.issues.length > 0) routerInfo.error = rec.issues.map((i) => i.message);
}

/** Composes middlewares around the service once; the router/service names are stamped for logs. */
function compose(factories: MiddlewareFactory[], service: Handler, router: string, serviceName: string): Handler {
  let h: Handler = service;
  for (let i = factories.length - 1; i >= 0; i--) h = factories[i](h);
  const inner = h;
  return (ex) => {
    ex.routerName = router;
    ex.serviceName = serviceName;
    return inner(ex);
  };
}
