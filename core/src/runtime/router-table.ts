import type { Exchange, Handler } from '../http/exchange.js';
import { routingInput, sortRoutes } from '../rules/index.js';
import type { Route } from './runtime.js';

/** Go's http.NotFound answer, which Traefik gives when no router matches. */
export function notFound(ex: Exchange): void {
  ex.respond(404, '404 page not found\n', { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
}

/**
 * The handler of one entrypoint: computes the routing view of the request once, then tries routes in order.
 * Routes are fixed for the generation, so the loop is over a plain array.
 */
export function routerTable(routes: Route[], precedence: readonly string[] = []): Handler {
  const sorted = sortRoutes(routes, precedence);
  const n = sorted.length;
  const matchers = sorted.map((r) => r.match as (input: unknown) => boolean);
  const handlers = sorted.map((r) => r.handler);
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
    for (let i = 0; i < n; i++) if (matchers[i](input)) return handlers[i](ex);
    notFound(ex);
  };
}
