import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareRoutes, defaultPriority, domainMatchesHostExpression, domainsFromRule, RuleError, sortRoutes } from '../../src/rules/index.js';

describe('default priority', () => {
  const cases: { desc: string; rule: string; priority: number }[] = [
    { desc: 'rule length', rule: 'Host(`example.org`)', priority: 19 },
    { desc: 'spaces count', rule: 'Host(`a`) && Path(`/b`)', priority: 23 },
    { desc: 'bytes, not characters', rule: 'Path(`/é`)', priority: 11 },
    { desc: 'single wildcard costs nothing', rule: 'Host(`*.example.com`)', priority: 21 },
    { desc: 'double wildcard stars do not count', rule: 'Host(`**.example.com`)', priority: 20 },
    { desc: 'each double wildcard host', rule: 'Host(`**.a.com`) || Host(`**.b.com`)', priority: 32 },
    { desc: 'negated double wildcard is not a domain', rule: '!Host(`**.a.com`)', priority: 17 },
    { desc: 'unparsable rule: plain length', rule: 'Nope(`**.a.com`)', priority: 16 },
  ];
  for (const c of cases) test(`${c.desc}: ${c.rule}`, () => assert.equal(defaultPriority(c.rule), c.priority));
  test('double wildcard ranks below the single wildcard and exact hosts it covers', () => {
    assert.ok(defaultPriority('Host(`**.example.com`)') < defaultPriority('Host(`*.example.com`)'));
    assert.ok(defaultPriority('Host(`**.example.com`)') < defaultPriority('Host(`a.example.com`)'));
  });
});

describe('route order', () => {
  const precedence = ['kubernetesgateway', 'kubernetescrd', 'kubernetes'];
  const cases: { desc: string; routes: { name: string; priority: number; provider?: string }[]; order: string[]; precedence?: string[] }[] = [
    { desc: 'higher priority first', routes: [{ name: 'a', priority: 1 }, { name: 'b', priority: 5 }], order: ['b', 'a'] },
    { desc: 'negative priorities last', routes: [{ name: 'a', priority: -1 }, { name: 'b', priority: 0 }], order: ['b', 'a'] },
    {
      desc: 'ties: provider listed first wins',
      routes: [{ name: 'a', priority: 5, provider: 'kubernetes' }, { name: 'b', priority: 5, provider: 'kubernetesgateway' }],
      order: ['b', 'a'],
      precedence,
    },
    {
      desc: 'ties: listed provider beats unlisted',
      routes: [{ name: 'a', priority: 5, provider: 'file' }, { name: 'b', priority: 5, provider: 'kubernetes' }],
      order: ['b', 'a'],
      precedence,
    },
    {
      desc: 'ties without precedence keep their order',
      routes: [{ name: 'a', priority: 5, provider: 'x' }, { name: 'b', priority: 5, provider: 'y' }, { name: 'c', priority: 5 }],
      order: ['a', 'b', 'c'],
    },
    {
      desc: 'priority beats provider precedence',
      routes: [{ name: 'a', priority: 9, provider: 'file' }, { name: 'b', priority: 5, provider: 'kubernetesgateway' }],
      order: ['a', 'b'],
      precedence,
    },
  ];
  for (const c of cases) {
    test(c.desc, () => assert.deepEqual(sortRoutes(c.routes, c.precedence).map((r) => r.name), c.order));
  }
  test('sortRoutes does not mutate its input', () => {
    const routes = [{ priority: 1 }, { priority: 2 }];
    sortRoutes(routes);
    assert.deepEqual(routes, [{ priority: 1 }, { priority: 2 }]);
  });
  test('compareRoutes is a comparator', () => {
    assert.ok(compareRoutes()({ priority: 3 }, { priority: 1 }) < 0);
  });
});

describe('domains from rules', () => {
  const cases: { desc: string; rule: string; protocol?: 'http' | 'tcp'; domains: string[] }[] = [
    { desc: 'one host', rule: 'Host(`example.com`)', domains: ['example.com'] },
    { desc: 'lower-cased', rule: 'Host(`Foo.Bar`) && Path(`/test`)', domains: ['foo.bar'] },
    { desc: 'in rule order', rule: 'Host(`a.com`) || Host(`b.com`) && Path(`/x`)', domains: ['a.com', 'b.com'] },
    { desc: 'negated hosts are left out', rule: 'Host(`a.com`) && !Host(`b.com`)', domains: ['a.com'] },
    { desc: 'double negation counts', rule: '!!Host(`a.com`)', domains: ['a.com'] },
    { desc: 'negated group is left out', rule: '!(Host(`a.com`) || Path(`/x`))', domains: [] },
    { desc: 'HostRegexp names no domain', rule: 'HostRegexp(`^a\\.com$`)', domains: [] },
    { desc: 'no host', rule: 'Path(`/test`)', domains: [] },
    { desc: 'arguments are not checked', rule: 'Host() && Path(`/test`)', domains: [] },
    { desc: 'v2 multi-value host', rule: 'Host(`a.com`, `b.com`)', domains: ['a.com', 'b.com'] },
    { desc: 'v2 names are known', rule: 'Headers(`a`, `b`) && Host(`a.com`)', domains: ['a.com'] },
    { desc: 'wildcards are kept', rule: 'Host(`*.a.com`)', domains: ['*.a.com'] },
    { desc: 'TCP HostSNI', rule: 'HostSNI(`a.com`) && ClientIP(`10.0.0.1`)', protocol: 'tcp', domains: ['a.com'] },
    { desc: 'TCP HostSNI lower-case name and several values', rule: 'hostsni(`A.com`, `b.com`)', protocol: 'tcp', domains: ['a.com', 'b.com'] },
    { desc: 'TCP without HostSNI', rule: 'ALPN(`h2`)', protocol: 'tcp', domains: [] },
  ];
  for (const c of cases) test(`${c.desc}: ${c.rule}`, () => assert.deepEqual(domainsFromRule(c.rule, c.protocol), c.domains));
  test('unknown matcher is an error', () => assert.throws(() => domainsFromRule('Foobar(`foo.bar`)'), RuleError));
});

describe('host expressions for certificates', () => {
  const cases: { domain: string; expr: string; match: boolean }[] = [
    { domain: 'Example.COM', expr: 'example.com', match: true },
    { domain: 'foo.example.com', expr: '*.example.com', match: true },
    { domain: 'bar.foo.example.com', expr: '*.example.com', match: false },
    { domain: 'example.com', expr: '*.example.com', match: false },
    { domain: 'bar.foo.example.com', expr: '**.example.com', match: true },
    { domain: '.example.com', expr: '**.example.com', match: false },
    { domain: 'fooexample.com', expr: '**.example.com', match: false },
  ];
  for (const c of cases) {
    test(`${c.domain} vs ${c.expr}`, () => assert.equal(domainMatchesHostExpression(c.domain, c.expr), c.match));
  }
});
