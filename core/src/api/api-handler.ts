import type { Exchange, Handler } from '../http/exchange.js';
import type { Runtime } from '../runtime/runtime.js';
import { statusOf, type ElementRecord } from '../runtime/model.js';

export interface ApiSource {
  /** The runtime currently serving. */
  current(): Runtime | undefined;
  entryPoints(): { name: string; address: string }[];
  version: string;
}

function json(ex: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  ex.respond(status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

function elementView(rec: ElementRecord<unknown>, usedBy: string[]): Record<string, unknown> {
  const raw = (rec.raw && typeof rec.raw === 'object' ? rec.raw : {}) as Record<string, unknown>;
  const view: Record<string, unknown> = { ...raw, status: statusOf(rec), usedBy, name: rec.name, provider: rec.provider };
  if (rec.runtimeView !== undefined && rec.config !== undefined) Object.assign(view, rec.runtimeView());
  if (rec.issues.length > 0) view.error = rec.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  return view;
}

/** Everything the API lists, computed from one runtime (Traefik's /api/rawdata shape). */
function snapshot(rt: Runtime | undefined) {
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  const middlewares: Record<string, unknown> = {};
  if (rt === undefined) return { routers, services, middlewares };
  const usedByService = new Map<string, string[]>();
  const usedByMiddleware = new Map<string, string[]>();
  for (const r of rt.routers.values()) {
    routers[r.name] = r;
    (usedByService.get(r.service) ?? usedByService.set(r.service, []).get(r.service)!).push(r.name);
    for (const m of r.middlewares ?? []) (usedByMiddleware.get(m) ?? usedByMiddleware.set(m, []).get(m)!).push(r.name);
  }
  for (const [name, rec] of rt.model.services) services[name] = elementView(rec, usedByService.get(name) ?? []);
  for (const [name, rec] of rt.model.middlewares) {
    const view = elementView(rec, usedByMiddleware.get(name) ?? []);
    if (rec.config) view.type = rec.config.type.toLowerCase();
    middlewares[name] = view;
  }
  return { routers, services, middlewares };
}

function list(map: Record<string, unknown>, ex: Exchange): { items: unknown[]; nextPage: number } {
  const params = new URLSearchParams(ex.query ?? '');
  const search = params.get('search')?.toLowerCase();
  const status = params.get('status');
  let items = Object.entries(map)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => v as Record<string, unknown>);
  if (search) items = items.filter((i) => String(i.name).toLowerCase().includes(search));
  if (status) items = items.filter((i) => i.status === status);
  const perPage = Number(params.get('per_page') ?? 100) || 100;
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  // Traefik's pagination: X-Next-Page names the next page, or 1 on the last one.
  return { items: items.slice((page - 1) * perPage, page * perPage), nextPage: page * perPage < items.length ? page + 1 : 1 };
}

/** The read-only JSON API (Traefik's paths), served by the `api@internal` router. */
export function apiHandler(src: ApiSource): Handler {
  return (ex) => {
    if (ex.method !== 'GET' && ex.method !== 'HEAD') return json(ex, 405, { message: 'method not allowed' });
    const path = decodeURIComponent(ex.path).replace(/\/+$/, '');
    const rt = src.current();
    const data = snapshot(rt);
    if (path === '/api/rawdata') return json(ex, 200, data);
    if (path === '/api/version') return json(ex, 200, { Version: src.version, Codename: 'portico' });
    if (path === '/api/entrypoints') return json(ex, 200, src.entryPoints());
    if (path === '/api/overview') {
      const count = (m: Record<string, unknown>) => {
        const items = Object.values(m) as { status: string }[];
        return { total: items.length, warnings: items.filter((i) => i.status === 'warning').length, errors: items.filter((i) => i.status === 'disabled').length };
      };
      return json(ex, 200, { http: { routers: count(data.routers), services: count(data.services), middlewares: count(data.middlewares) } });
    }
    const m = /^\/api\/(http)\/(routers|services|middlewares)(?:\/(.+))?$/.exec(path);
    if (m === null) {
      const ep = /^\/api\/entrypoints\/(.+)$/.exec(path);
      if (ep) {
        const found = src.entryPoints().find((e) => e.name === ep[1]);
        return found ? json(ex, 200, found) : json(ex, 404, { message: `entrypoint not found: ${ep[1]}` });
      }
      return json(ex, 404, { message: 'not found' });
    }
    const kind = m[2] as 'routers' | 'services' | 'middlewares';
    if (m[3] === undefined) {
      const { items, nextPage } = list(data[kind], ex);
      return json(ex, 200, items, { 'x-next-page': String(nextPage) });
    }
    const item = data[kind][m[3]];
    return item === undefined ? json(ex, 404, { message: `${kind.slice(0, -1)} not found: ${m[3]}` }) : json(ex, 200, item);
  };
}
