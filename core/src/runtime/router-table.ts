import type { Exchange, Handler } from '../http/exchange.js';
import { hostKey, routingInput, sortRoutes, type RoutingInput } from '../rules/index.js';
import type { Route } from './runtime.js';

/** Go's http.NotFound answer, which Traefik gives when no router matches. */
export function notFound(ex: Exchange): void {
  ex.respond(404, '404 page not found\n', { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
}

type Matcher = (input: RoutingInput) => boolean;

/** Routes to try, in order, as two parallel arrays (no per-request object access beyond indexing). */
interface Candidates {
  matchers: Matcher[];
  handlers: Handler[];
}

function candidates(routes: Route[]): Candidates {
  return { matchers: routes.map((r) => r.match as unknown as Matcher), handlers: routes.map((r) => r.handler) };
}

/**
 * Per host key, the routes a request for that host may match, in global order: the host's own routes merged
 * with the routes that have no host constraint. Built once per configuration; O(routes + hosts × generic).
 */
function hostIndex(sorted: Route[]): { byHost: Map<string, Candidates>; generic: Candidates } {
  const generic: Route[] = [];
  const own = new Map<string, number[]>();
  sorted.forEach((r, i) => {
    if (r.hosts === undefined) generic.push(r);
    else for (const h of r.hosts) (own.get(h) ?? own.set(h, []).get(h)!).push(i);
  });
  const genericIdx = sorted.flatMap((r, i) => (r.hosts === undefined ? [i] : []));
  const byHost = new Map<string, Candidates>();
  for (const [host, idx] of own) {
    const merged: Route[] = [];
    let a = 0;
    let b = 0;
    while (a < idx.length || b < genericIdx.length) {
      if (b >= genericIdx.length || (a < idx.length && idx[a] < genericIdx[b])) merged.push(sorted[idx[a++]]);
      else merged.push(sorted[genericIdx[b++]]);
    }
    byHost.set(host, candidates(merged));
  }
  return { byHost, generic: candidates(generic) };
}

/**
 * The handler of one entrypoint: computes the routing view of the request once, then tries the routes that can
 * match its host, in priority order (Traefik's order: priority, then providers.precedence, then declaration).
 */
export function routerTable(routes: Route[], precedence: readonly string[] = []): Handler {
  const sorted = sortRoutes(routes, precedence);
  const { byHost, generic } = hostIndex(sorted);
  const indexed = byHost.size > 0;
  return (ex) => {
    const req = ex.req;
    const input = routingInput({
      method: req.method ?? 'GET',
      hostHeader: req.headers.host,
      requestTarget: req.url ?? '/',
      headers: req.headersDistinct,
      remoteAddress: ex.clientIp,
    });
    // A request target Go's server would refuse (bad percent-encoding…) gets the same 400 before routing.
    if (input === undefined) return ex.respond(400, '400 Bad Request');
    const list = indexed ? (byHost.get(hostKey(input.host)) ?? generic) : generic;
    const { matchers, handlers } = list;
    for (let i = 0; i < matchers.length; i++) if (matchers[i](input)) return handlers[i](ex);
    notFound(ex);
  };
}
