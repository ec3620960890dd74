// The routing table with its host index picks exactly what trying every route in order would pick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routerTable } from '../../src/runtime/router-table.js';
import { compileRule, hostIndexKeys } from '../../src/rules/index.js';
import type { Route } from '../../src/runtime/runtime.js';
import type { Exchange } from '../../src/http/exchange.js';

function route(name: string, rule: string, priority = rule.length): Route {
  return { name, priority, provider: 'file', match: compileRule(rule) as never, hosts: hostIndexKeys(rule), handler: (ex) => void (ex.routerName = name) };
}

function serve(table: ReturnType<typeof routerTable>, host: string, url = '/'): string {
  let answered = '';
  const ex = {
    req: { method: 'GET', url, headers: { host }, headersDistinct: { host: [host] } },
    clientIp: '127.0.0.1',
    routerName: '',
    respond: (status: number) => void (answered = String(status)),
  } as unknown as Exchange;
  table(ex);
  return ex.routerName || answered;
}

test('host index: same choices as an exhaustive scan', () => {
  const routes = [
    route('a-api', 'Host(`a.com`) && PathPrefix(`/api`)'),
    route('a', 'Host(`a.com`)'),
    route('b', 'Host(`B.com`)'),
    route('ab', 'Host(`a.com`) || Host(`b.com`)', 1000),
    route('catch-all-low', 'PathPrefix(`/`)', 1),
    route('api-any-host', 'PathPrefix(`/api`)', 50),
    route('wild', 'Host(`*.c.com`)'),
    route('not-a', '!Host(`a.com`) && PathPrefix(`/only-not-a`)', 2000),
  ];
  const table = routerTable(routes);
  const cases = [
    { desc: 'highest priority host route', host: 'a.com', url: '/', want: 'ab' },
    { desc: 'generic route of higher priority than the host route', host: 'd.com', url: '/api/x', want: 'api-any-host' },
    { desc: 'host lookup ignores case and port', host: 'B.COM:8080', url: '/', want: 'ab' },
    { desc: 'trailing dot on the request host', host: 'b.com.', url: '/', want: 'ab' },
    { desc: 'unknown host falls to the generic routes', host: 'zzz.com', url: '/', want: 'catch-all-low' },
    { desc: 'wildcard host (not indexed) still matches', host: 'x.c.com', url: '/', want: 'wild' },
    { desc: 'negated host route is generic', host: 'd.com', url: '/only-not-a', want: 'not-a' },
    { desc: 'negated host route does not match its host', host: 'a.com', url: '/only-not-a', want: 'ab' },
  ];
  for (const c of cases) assert.equal(serve(table, c.host, c.url), c.want, c.desc);
});

test('host index: 10,000 host routes route correctly', () => {
  const routes = Array.from({ length: 10_000 }, (_, i) => route(`r${i}`, `Host(\`h${i}.example.com\`)`));
  routes.push(route('fallback', 'PathPrefix(`/`)', 1));
  const table = routerTable(routes);
  for (const i of [0, 4999, 9999]) assert.equal(serve(table, `h${i}.example.com`), `r${i}`);
  assert.equal(serve(table, 'nope.example.com'), 'fallback');
});
