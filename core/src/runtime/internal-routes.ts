import type { Handler } from '../http/exchange.js';
import { compileRule } from '../rules/index.js';
import type { Route } from './runtime.js';

/** Priority of Traefik's internal routers (math.MaxInt - 1), above any user priority. */
export const INTERNAL_PRIORITY = Number.MAX_SAFE_INTEGER - 1;

export function internalRoute(name: string, rule: string, handler: Handler, priority = INTERNAL_PRIORITY): Route {
  const match = compileRule(rule, 'v3') as (input: never) => boolean;
  return {
    name,
    priority,
    provider: 'internal',
    rule,
    match,
    handler: (ex) => {
      ex.routerName = name;
      ex.serviceName = name;
      return handler(ex);
    },
  };
}

export interface RedirectionOptions {
  scheme: string;
  /** Port of the target entrypoint; omitted from Location when it is the scheme's default. */
  port: number;
  permanent: boolean;
}

/**
 * entryPoints.<ep>.http.redirections.entryPoint: every request is redirected to the same host and path on the
 * target entrypoint. Like Traefik's redirectScheme, permanent is 301 (308 for non-GET), temporary 302 (307).
 */
export function redirectionHandler(o: RedirectionOptions): Handler {
  const defaultPort = (o.scheme === 'https' && o.port === 443) || (o.scheme === 'http' && o.port === 80);
  const portPart = defaultPort || o.port === 0 ? '' : `:${o.port}`;
  return (ex) => {
    const host = (ex.req.headers.host ?? '').replace(/:\d+$/, '');
    const location = `${o.scheme}://${host}${portPart}${ex.req.url ?? '/'}`;
    const get = ex.method === 'GET';
    const status = o.permanent ? (get ? 301 : 308) : get ? 302 : 307;
    const text = { 301: 'Moved Permanently', 302: 'Found', 307: 'Temporary Redirect', 308: 'Permanent Redirect' }[status];
    ex.respond(status, text ?? '', { location, 'content-type': 'text/plain; charset=utf-8' });
  };
}
