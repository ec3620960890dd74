/**
 * chain cases state an equivalence instead of a request (`"equivalentTo": "router.middlewares = [a, b, c]"`):
 * a router through the chain must behave like a router listing the same middlewares itself. The runner sets
 * up both (each on its own entrypoint, to its own upstream) and sends the same probes to both. The referenced
 * middlewares are the chain docs' example (chain.md: redirectScheme, ipAllowList, basicAuth), and the probes
 * are built so that each of them, and their order, changes the answer.
 */
import type { CaseRequest, MiddlewareCase } from './cases.js';
import { headerValues, sendRaw, type WireResponse } from './raw-http.js';
import { buildRequest } from './request-builder.js';
import { fail, notRunnable, pass, type CheckOutcome, type SuiteContext } from './suite.js';

/** The middlewares chain.md's example chains (`test:test` is the docs' user). */
export const CHAIN_DOCS_MIDDLEWARES: Record<string, { type: string; options: Record<string, unknown> }> = {
  'https-only': { type: 'redirectScheme', options: { scheme: 'https' } },
  'known-ips': { type: 'ipAllowList', options: { sourceRange: ['192.168.1.7', '127.0.0.1/32'] } },
  'auth-users': { type: 'basicAuth', options: { users: ['test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'] } },
};

const HTTPS = { 'X-Forwarded-Proto': 'https' };
const DENIED = '127.0.0.2:40000';

/** Requests that each stop at a different middleware of the docs example (or pass all of them). */
export const CHAIN_PROBES: { desc: string; request: CaseRequest }[] = [
  { desc: 'plain http from an allowed address', request: { host: 'chain.example', path: '/a?b=1' } },
  { desc: 'plain http from a denied address', request: { host: 'chain.example', path: '/', remoteAddr: DENIED } },
  { desc: 'https from a denied address', request: { host: 'chain.example', path: '/', headers: HTTPS, remoteAddr: DENIED } },
  { desc: 'https, allowed, no credentials', request: { host: 'chain.example', path: '/', headers: HTTPS } },
  { desc: 'https, allowed, wrong credentials', request: { host: 'chain.example', path: '/', headers: HTTPS, basicAuth: { username: 'test', password: 'nope' } } },
  { desc: 'https, allowed, valid credentials', request: { host: 'chain.example', path: '/a?b=1', headers: HTTPS, basicAuth: { username: 'test', password: 'test' } } },
];

/** The middleware names an `equivalentTo` statement lists, or why the case cannot be run as an equivalence. */
export function equivalentMiddlewares(c: MiddlewareCase): { ok: true; names: string[] } | { ok: false; reason: string } {
  const statement = String(c.expect.equivalentTo ?? '');
  const m = /^router\.middlewares\s*=\s*\[(.*)\]$/.exec(statement.trim());
  if (m === null) return { ok: false, reason: `equivalentTo ${JSON.stringify(statement)} is not "router.middlewares = [...]"` };
  const names = m[1].split(',').map((n) => n.trim()).filter(Boolean);
  const listed = Array.isArray(c.config.middlewares) ? (c.config.middlewares as unknown[]).map(String) : [];
  if (JSON.stringify(names) !== JSON.stringify(listed)) return { ok: false, reason: `equivalentTo lists ${names.join(', ')}, the chain ${listed.join(', ')}` };
  const unknown = names.filter((n) => CHAIN_DOCS_MIDDLEWARES[n] === undefined);
  if (unknown.length > 0) return { ok: false, reason: `no definition for referenced middleware(s) ${unknown.join(', ')}` };
  return { ok: true, names };
}

/** What a probe's answer is compared on. */
function summary(res: WireResponse, upstreamCalls: string[]): string {
  const header = (n: string): string => headerValues(res.headers, n).join(', ');
  return JSON.stringify({
    status: res.status,
    location: header('location'),
    wwwAuthenticate: header('www-authenticate'),
    body: res.body.toString('utf8'),
    upstream: upstreamCalls,
  });
}

/**
 * Configures the chain router (`name`, the case's middleware) and the reference router (`<name>-direct`)
 * and returns the check.
 */
export async function planChainEquivalence(c: MiddlewareCase, ctx: SuiteContext, name: string, names: string[]): Promise<() => Promise<CheckOutcome>> {
  for (const ref of names) {
    if (!ctx.config.hasMiddleware(ref)) ctx.config.addMiddleware(ref, CHAIN_DOCS_MIDDLEWARES[ref].type, CHAIN_DOCS_MIDDLEWARES[ref].options);
  }
  ctx.config.addMiddleware(name, c.middleware, c.config);
  const routes = [
    { router: name, middlewares: [name] },
    { router: `${name}-direct`, middlewares: names },
  ];
  const targets = await Promise.all(
    routes.map(async (r) => {
      const port = await ctx.config.addEntryPoint(r.router, { trustForwardedHeaders: true });
      const upstream = await ctx.upstreams.start(() => ({ status: 200, body: 'upstream\n' }));
      ctx.config.addService(r.router, [upstream.url]);
      ctx.config.addRouter(r.router, r.router, { rule: 'HostRegexp(`.*`)', middlewares: r.middlewares, service: r.router });
      return { port, upstream };
    }),
  );

  return async () => {
    const differences: string[] = [];
    const referenceStatuses = new Set<number>();
    for (const probe of CHAIN_PROBES) {
      const built = buildRequest(probe.request, { goHostDefault: true });
      if (!built.ok) return notRunnable(`probe "${probe.desc}": ${built.reason}`);
      const [viaChain, direct] = await Promise.all(
        targets.map(async ({ port, upstream }) => {
          const before = upstream.requests.length;
          const res = await sendRaw(port, built.request.bytes, { localAddress: built.request.localAddress });
          return { res, text: summary(res, upstream.requests.slice(before).map((r) => `${r.method} ${r.url}`)) };
        }),
      );
      referenceStatuses.add(direct.res.status);
      if (viaChain.text !== direct.text) differences.push(`${probe.desc}: chain ${viaChain.text}, direct ${direct.text}`);
    }
    if (differences.length > 0) return fail(`the chain differs from listing ${names.join(', ')} on the router: ${differences.join('; ')}`);
    // Equal answers only mean something when the probes tell the chained middlewares apart.
    if (referenceStatuses.size < names.length + 1) {
      return fail(`the reference router answered only ${[...referenceStatuses].join(', ')}: the probes do not exercise ${names.join(', ')}`);
    }
    return pass;
  };
}
