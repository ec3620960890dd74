import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileRule, RuleError } from '../../src/rules/index.js';
import { inputFor, type CorpusRequest } from './helpers.js';

const h = (host: string, path = '/', extra: Partial<CorpusRequest> = {}): CorpusRequest => ({ host, path, ...extra });

describe('v2 matchers', () => {
  const cases: { desc: string; rule: string; request: CorpusRequest; match: boolean }[] = [
    // Host / HostHeader
    { desc: 'Host with several values, first', rule: 'Host(`a.test`, `b.test`)', request: h('a.test'), match: true },
    { desc: 'Host with several values, second', rule: 'Host(`a.test`, `b.test`)', request: h('B.test:81'), match: true },
    { desc: 'Host with several values, none', rule: 'Host(`a.test`, `b.test`)', request: h('c.test'), match: false },
    { desc: 'a comma inside one value is literal', rule: 'Host(`a.test,b.test`)', request: h('a.test'), match: false },
    { desc: 'HostHeader is Host', rule: 'HostHeader(`a.test`)', request: h('a.test'), match: true },
    { desc: 'trailing dot', rule: 'Host(`a.test.`)', request: h('a.test'), match: true },
    { desc: 'no wildcard in v2', rule: 'Host(`*.a.test`)', request: h('x.a.test'), match: false },
    // HostRegexp: gorilla templates, case-insensitive, port ignored
    { desc: 'template variable', rule: 'HostRegexp(`{sub:[a-z]+}.a.test`)', request: h('api.a.test'), match: true },
    { desc: 'template default pattern is one label', rule: 'HostRegexp(`{sub}.a.test`)', request: h('x.y.a.test'), match: false },
    { desc: 'template default pattern', rule: 'HostRegexp(`{sub}.a.test`)', request: h('x.a.test'), match: true },
    { desc: 'literal parts are quoted', rule: 'HostRegexp(`a.test`)', request: h('aXtest'), match: false },
    { desc: 'whole host is anchored', rule: 'HostRegexp(`a.test`)', request: h('www.a.test'), match: false },
    { desc: 'case-insensitive', rule: 'HostRegexp(`{sub:[a-z]+}.a.test`)', request: h('API.A.TEST'), match: true },
    { desc: 'port ignored when the template has none', rule: 'HostRegexp(`a.test`)', request: h('a.test:8080'), match: true },
    { desc: 'port kept when the template names one', rule: 'HostRegexp(`a.test:{port:[0-9]+}`)', request: h('a.test:8080'), match: true },
    { desc: 'several templates', rule: 'HostRegexp(`a.test`, `{x:b}.test`)', request: h('b.test'), match: true },
    { desc: 'capturing group inside a variable', rule: 'HostRegexp(`{sub:(foo\\.)?bar\\.com}`)', request: h('bar.com'), match: true },
    { desc: 'an unbalanced paren outside braces is literal', rule: 'HostRegexp(`(a.test`)', request: h('a.test'), match: false },
    { desc: 'absolute-form authority is used as sent', rule: 'HostRegexp(`a.test`)', request: { requestTarget: 'http://a.test:81/', host: 'b.test' }, match: true },
    // Path / PathPrefix
    { desc: 'Path with several values', rule: 'Path(`/a`, `/b`)', request: h('x', '/b'), match: true },
    { desc: 'Path is anchored', rule: 'Path(`/a`)', request: h('x', '/a/'), match: false },
    { desc: 'Path template', rule: 'Path(`/users/{id:[0-9]+}`)', request: h('x', '/users/42'), match: true },
    { desc: 'Path template mismatch', rule: 'Path(`/users/{id:[0-9]+}`)', request: h('x', '/users/bob'), match: false },
    { desc: 'Path default variable pattern is one segment', rule: 'Path(`/users/{id}`)', request: h('x', '/users/a/b'), match: false },
    { desc: 'Path on the routing path', rule: 'Path(`/a b`)', request: h('x', '/a%20b'), match: true },
    { desc: 'PathPrefix with several values', rule: 'PathPrefix(`/a`, `/b`)', request: h('x', '/b/c'), match: true },
    { desc: 'PathPrefix template', rule: 'PathPrefix(`/v{n:[0-9]+}/`)', request: h('x', '/v2/users'), match: true },
    { desc: 'Path template is case-sensitive', rule: 'Path(`/{x:[a-z]+}`)', request: h('x', '/ABC'), match: false },
    // Method
    { desc: 'Method with several values', rule: 'Method(`GET`, `POST`)', request: h('x', '/', { method: 'POST' }), match: true },
    { desc: 'Method upper-cases the rule', rule: 'Method(`delete`)', request: h('x', '/', { method: 'DELETE' }), match: true },
    { desc: 'Method does not upper-case the request', rule: 'Method(`GET`)', request: h('x', '/', { method: 'get' }), match: false },
    // Headers / HeadersRegexp
    { desc: 'Headers pair', rule: 'Headers(`X-A`, `1`)', request: h('x', '/', { headers: { 'x-a': '1' } }), match: true },
    { desc: 'Headers pair on any line', rule: 'Headers(`X-A`, `1`)', request: h('x', '/', { headers: { 'X-A': ['0', '1'] } }), match: true },
    { desc: 'Headers with two pairs needs both', rule: 'Headers(`X-A`, `1`, `X-B`, `2`)', request: h('x', '/', { headers: { 'X-A': '1' } }), match: false },
    { desc: 'Headers with two pairs', rule: 'Headers(`X-A`, `1`, `X-B`, `2`)', request: h('x', '/', { headers: { 'X-A': '1', 'X-B': '2' } }), match: true },
    { desc: 'HeadersRegexp unanchored', rule: 'HeadersRegexp(`Content-Type`, `json`)', request: h('x', '/', { headers: { 'Content-Type': 'application/json' } }), match: true },
    { desc: 'HeadersRegexp absent header', rule: 'HeadersRegexp(`Content-Type`, `.*`)', request: h('x'), match: false },
    // Query: key=value arguments, first value of the key only
    { desc: 'Query key=value', rule: 'Query(`a=1`)', request: h('x', '/', { query: 'a=1' }), match: true },
    { desc: 'Query with several pairs needs all', rule: 'Query(`a=1`, `b=2`)', request: h('x', '/', { query: 'b=2' }), match: false },
    { desc: 'Query only looks at the first value', rule: 'Query(`a=2`)', request: h('x', '/', { query: 'a=1&a=2' }), match: false },
    { desc: 'Query with empty value matches any value', rule: 'Query(`a=`)', request: h('x', '/', { query: 'a=xyz' }), match: true },
    { desc: 'Query with empty value needs the key', rule: 'Query(`a=`)', request: h('x', '/', { query: 'b=1' }), match: false },
    { desc: 'Query template', rule: 'Query(`id={id:[0-9]+}`)', request: h('x', '/', { query: 'id=42' }), match: true },
    { desc: 'Query value with =', rule: 'Query(`foo=b=ar`)', request: h('x', '/', { query: 'foo=b=ar' }), match: true },
    { desc: 'Query splits on ; like gorilla', rule: 'Query(`b=2`)', request: h('x', '/', { query: 'a=1;b=2' }), match: true },
    // ClientIP
    { desc: 'ClientIP with several values', rule: 'ClientIP(`10.0.0.1`, `192.168.0.0/16`)', request: h('x', '/', { remoteAddr: '192.168.3.4:1' }), match: true },
    { desc: 'ClientIP IPv6 CIDR', rule: 'ClientIP(`11::/16`)', request: h('x', '/', { remoteAddr: '10::' }), match: false },
    // operators
    { desc: 'negated multi-value matcher', rule: '!Host(`a.test`, `b.test`)', request: h('c.test'), match: true },
  ];
  for (const c of cases) {
    test(`${c.desc}: ${c.rule}`, () => {
      assert.equal(compileRule(c.rule, 'v2')(inputFor(c.request)), c.match, JSON.stringify(c.request));
    });
  }
});

describe('v2 compile errors', () => {
  const cases: { desc: string; rule: string; message: RegExp }[] = [
    { desc: 'empty value among several', rule: 'Path(``, `/a`)', message: /argument #1 is empty/ },
    { desc: 'path without slash', rule: 'Path(`a`)', message: /path must start with a slash/ },
    { desc: 'unbalanced braces', rule: 'HostRegexp(`{sub.a.test`)', message: /unbalanced braces/ },
    { desc: 'variable without name', rule: 'Path(`/{:[0-9]+}`)', message: /missing name or pattern/ },
    { desc: 'variable with empty pattern', rule: 'Path(`/{id:}`)', message: /missing name or pattern/ },
    { desc: 'invalid regexp in a variable', rule: 'PathPrefix(`/{id:(}`)', message: /missing closing \)/ },
    { desc: 'odd Headers arguments', rule: 'Headers(`X-A`)', message: /multiple of 2/ },
    { desc: 'odd HeadersRegexp arguments', rule: 'HeadersRegexp(`X-A`, `1`, `X-B`)', message: /multiple of 2/ },
    { desc: 'invalid HeadersRegexp value', rule: 'HeadersRegexp(`X-A`, `(`)', message: /compiling HeadersRegexp matcher/ },
    { desc: 'Query without =', rule: 'Query(`a`)', message: /multiple of 2/ },
    { desc: 'Query template error', rule: 'Query(`a={x`)', message: /unbalanced braces/ },
    { desc: 'non-ASCII host', rule: 'Host(`locàlhost`)', message: /non-ASCII/ },
    { desc: 'invalid ClientIP', rule: 'ClientIP(`invalid`)', message: /neither an IP address nor a CIDR range/ },
    { desc: 'v3-only matcher', rule: 'Header(`X-A`, `1`)', message: /exists only in the v3 rule syntax/ },
  ];
  for (const c of cases) {
    test(`${c.desc}: ${c.rule}`, () => {
      assert.throws(() => compileRule(c.rule, 'v2'), (err: unknown) => err instanceof RuleError && c.message.test(err.message));
    });
  }
});
