import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileRule, RuleError } from '../../src/rules/index.js';
import { inputFor, type CorpusRequest } from './helpers.js';

interface MatchCase {
  desc: string;
  rule: string;
  request: CorpusRequest;
  match: boolean;
}

function runMatches(cases: MatchCase[]) {
  for (const c of cases) {
    test(`${c.desc}: ${c.rule}`, () => {
      assert.equal(compileRule(c.rule, 'v3')(inputFor(c.request)), c.match, JSON.stringify(c.request));
    });
  }
}

const h = (host: string, path = '/', extra: Partial<CorpusRequest> = {}): CorpusRequest => ({ host, path, ...extra });

describe('v3 Host', () => {
  runMatches([
    { desc: 'exact host', rule: 'Host(`example.com`)', request: h('example.com'), match: true },
    { desc: 'port is ignored', rule: 'Host(`example.com`)', request: h('example.com:8443'), match: true },
    { desc: 'request host is case-insensitive', rule: 'Host(`example.com`)', request: h('EXAMPLE.Com'), match: true },
    { desc: 'rule host is case-insensitive', rule: 'Host(`EXAMPLE.COM`)', request: h('example.com'), match: true },
    { desc: 'other host', rule: 'Host(`example.com`)', request: h('example.org'), match: false },
    { desc: 'subdomain is another host', rule: 'Host(`example.com`)', request: h('www.example.com'), match: false },
    { desc: 'trailing dot in rule', rule: 'Host(`example.com.`)', request: h('example.com'), match: true },
    { desc: 'trailing dot in request', rule: 'Host(`example.com`)', request: h('example.com.'), match: true },
    { desc: 'trailing dot on both', rule: 'Host(`example.com.`)', request: h('example.com.:80'), match: true },
    { desc: 'IPv4 host', rule: 'Host(`127.0.0.1`)', request: h('127.0.0.1:8080'), match: true },
    { desc: 'bracketed IPv6 host with port', rule: 'Host(`::1`)', request: h('[::1]:8080'), match: true },
    { desc: 'bracketed IPv6 host without port', rule: 'Host(`10::10`)', request: h('[10::10]'), match: true },
    { desc: 'bare IPv6 host', rule: 'Host(`10::10`)', request: h('10::10'), match: true },
    { desc: 'missing Host header never matches', rule: 'Host(`example.com`)', request: { path: '/' }, match: false },
    { desc: 'negated, missing Host header', rule: '!Host(`example.com`)', request: { path: '/' }, match: true },
    { desc: 'wildcard matches one label', rule: 'Host(`*.example.com`)', request: h('api.example.com'), match: true },
    { desc: 'wildcard does not match two labels', rule: 'Host(`*.example.com`)', request: h('a.b.example.com'), match: false },
    { desc: 'wildcard does not match the apex', rule: 'Host(`*.example.com`)', request: h('example.com'), match: false },
    { desc: 'wildcard is case-insensitive', rule: 'Host(`*.Example.com`)', request: h('API.example.COM:443'), match: true },
    { desc: 'double wildcard matches nested labels', rule: 'Host(`**.example.com`)', request: h('a.b.example.com'), match: true },
    { desc: 'double wildcard matches one label', rule: 'Host(`**.example.com`)', request: h('a.example.com'), match: true },
    { desc: 'double wildcard does not match the apex', rule: 'Host(`**.example.com`)', request: h('example.com'), match: false },
    { desc: 'double wildcard needs a label boundary', rule: 'Host(`**.example.com`)', request: h('fooexample.com'), match: false },
    { desc: '* matches any host', rule: 'Host(`*`)', request: h('anything.test'), match: true },
    { desc: 'absolute-form target replaces the Host header', rule: 'Host(`a.test`)', request: { requestTarget: 'http://a.test/x', host: 'b.test' }, match: true },
    { desc: 'absolute-form userinfo is not the host', rule: 'Host(`a.test`)', request: { requestTarget: 'http://user@a.test:81/', host: 'b.test' }, match: true },
    { desc: 'empty authority falls back to Host', rule: 'Host(`b.test`)', request: { requestTarget: 'http://@/', host: 'b.test' }, match: true },
  ]);
});

describe('v3 HostRegexp', () => {
  runMatches([
    { desc: 'anchored regexp', rule: 'HostRegexp(`^[a-z]+\\.example\\.com$`)', request: h('api.example.com'), match: true },
    { desc: 'matched against the lower-cased host', rule: 'HostRegexp(`^[A-Z]+\\.com$`)', request: h('EXAMPLE.com'), match: false },
    { desc: 'port is stripped', rule: 'HostRegexp(`^example\\.com$`)', request: h('example.com:8080'), match: true },
    { desc: 'unanchored by default', rule: 'HostRegexp(`example`)', request: h('www.example.com'), match: true },
    { desc: '(?i) works', rule: 'HostRegexp(`(?i)^EXAMPLE\\.com$`)', request: h('example.com'), match: true },
    { desc: 'v2 template syntax is a literal here', rule: 'HostRegexp(`{sub:[a-z]+}.example.com`)', request: h('api.example.com'), match: false },
    { desc: 'a regexp matching "" matches every request (Traefik tests the empty CNAME-flattened host)', rule: 'HostRegexp(`^(www\\.)?$`)', request: h('example.com'), match: true },
  ]);
});

describe('v3 Path, PathPrefix, PathRegexp', () => {
  runMatches([
    { desc: 'exact path', rule: 'Path(`/css`)', request: h('x', '/css'), match: true },
    { desc: 'trailing slash differs', rule: 'Path(`/css`)', request: h('x', '/css/'), match: false },
    { desc: 'query is not part of the path', rule: 'Path(`/css`)', request: h('x', '/css', { query: 'a=1' }), match: true },
    { desc: 'decoded unreserved characters', rule: 'Path(`/admin`)', request: h('x', '/%61dmin'), match: true },
    { desc: 'decoded space', rule: 'Path(`/a b`)', request: h('x', '/a%20b'), match: true },
    { desc: 'encoded slash stays encoded', rule: 'Path(`/a/b`)', request: h('x', '/a%2Fb'), match: false },
    { desc: 'rule can name the encoded slash', rule: 'Path(`/a%2Fb`)', request: h('x', '/a%2Fb'), match: true },
    { desc: 'lower-case encoded slash stays encoded too', rule: 'Path(`/a/b`)', request: h('x', '/a%2fb'), match: false },
    { desc: 'decoded UTF-8', rule: 'Path(`/café`)', request: h('x', '/caf%C3%A9'), match: true },
    { desc: 'prefix', rule: 'PathPrefix(`/api`)', request: h('x', '/api/v1'), match: true },
    { desc: 'prefix is not segment-aware', rule: 'PathPrefix(`/api`)', request: h('x', '/apiary'), match: true },
    { desc: 'prefix mismatch', rule: 'PathPrefix(`/api`)', request: h('x', '/ap'), match: false },
    { desc: 'prefix over an encoded slash', rule: 'PathPrefix(`/admin`)', request: h('x', '/admin%2Fsecret'), match: true },
    { desc: 'regexp is unanchored', rule: 'PathRegexp(`\\.(jpe?g|png)$`)', request: h('x', '/img/a.png'), match: true },
    { desc: 'regexp is case-sensitive', rule: 'PathRegexp(`^/(css|js)`)', request: h('x', '/CSS'), match: false },
    { desc: 'regexp (?i)', rule: 'PathRegexp(`(?i)^/products`)', request: h('x', '/Products/1'), match: true },
    { desc: 'regexp sees the routing path', rule: 'PathRegexp(`^/a b$`)', request: h('x', '/a%20b'), match: true },
  ]);
});

describe('v3 Method', () => {
  runMatches([
    { desc: 'same method', rule: 'Method(`GET`)', request: h('x'), match: true },
    { desc: 'rule is upper-cased', rule: 'Method(`post`)', request: h('x', '/', { method: 'POST' }), match: true },
    { desc: 'request method is compared as sent', rule: 'Method(`GET`)', request: h('x', '/', { method: 'get' }), match: false },
    { desc: 'other method', rule: 'Method(`GET`)', request: h('x', '/', { method: 'POST' }), match: false },
  ]);
});

describe('v3 Header and HeaderRegexp', () => {
  runMatches([
    { desc: 'header value', rule: 'Header(`X-Env`, `prod`)', request: h('x', '/', { headers: { 'X-Env': 'prod' } }), match: true },
    { desc: 'name is case-insensitive', rule: 'Header(`x-env`, `prod`)', request: h('x', '/', { headers: { 'X-ENV': 'prod' } }), match: true },
    { desc: 'value is case-sensitive', rule: 'Header(`X-Env`, `prod`)', request: h('x', '/', { headers: { 'X-Env': 'PROD' } }), match: false },
    { desc: 'any of repeated header lines', rule: 'Header(`X-Env`, `prod`)', request: h('x', '/', { headers: { 'X-Env': ['dev', 'prod'] } }), match: true },
    { desc: 'comma-joined values are one value', rule: 'Header(`X-Env`, `prod`)', request: h('x', '/', { headers: { 'X-Env': 'dev, prod' } }), match: false },
    { desc: 'absent header', rule: 'Header(`X-Env`, `prod`)', request: h('x'), match: false },
    { desc: 'Host is not a header for Go', rule: 'Header(`Host`, `x`)', request: h('x'), match: false },
    { desc: 'non-ASCII value compared as UTF-8 (Node delivers latin1)', rule: 'Header(`X-Name`, `é`)', request: h('x', '/', { headers: { 'X-Name': '\u00c3\u00a9' } }), match: true },
    { desc: 'regexp sees UTF-8 runes', rule: 'HeaderRegexp(`X-Name`, `^.$`)', request: h('x', '/', { headers: { 'X-Name': '\u00c3\u00a9' } }), match: true },
    { desc: 'regexp value', rule: 'HeaderRegexp(`Content-Type`, `^application/(json|yaml)$`)', request: h('x', '/', { headers: { 'content-type': 'application/yaml' } }), match: true },
    { desc: 'regexp is unanchored', rule: 'HeaderRegexp(`Accept`, `json`)', request: h('x', '/', { headers: { accept: 'text/html, application/json' } }), match: true },
    { desc: 'regexp on any line', rule: 'HeaderRegexp(`X-Proto`, `^https?$`)', request: h('x', '/', { headers: { 'X-Proto': ['ws', 'https'] } }), match: true },
    { desc: 'regexp (?i)', rule: 'HeaderRegexp(`X-Proto`, `(?i)^https$`)', request: h('x', '/', { headers: { 'X-Proto': 'HTTPS' } }), match: true },
  ]);
});

describe('v3 Query and QueryRegexp', () => {
  const q = (query: string | undefined) => h('x', '/', query === undefined ? {} : { query });
  runMatches([
    { desc: 'key and value', rule: 'Query(`q`, `traefik`)', request: q('q=traefik'), match: true },
    { desc: 'one of repeated keys', rule: 'Query(`q`, `traefik`)', request: q('q=a&q=traefik'), match: true },
    { desc: 'key is case-sensitive', rule: 'Query(`q`, `traefik`)', request: q('Q=traefik'), match: false },
    { desc: 'no query', rule: 'Query(`q`, `traefik`)', request: q(undefined), match: false },
    { desc: 'value is decoded', rule: 'Query(`q`, `a b`)', request: q('q=a+b'), match: true },
    { desc: 'percent-decoded key and value', rule: 'Query(`k y`, `é`)', request: q('k%20y=%C3%A9'), match: true },
    { desc: 'one argument means an empty value', rule: 'Query(`mobile`)', request: q('mobile'), match: true },
    { desc: 'one argument with = and nothing after', rule: 'Query(`mobile`)', request: q('mobile='), match: true },
    { desc: 'one argument does not match a value', rule: 'Query(`mobile`)', request: q('mobile=true'), match: false },
    { desc: 'pair with a semicolon is skipped (Go)', rule: 'Query(`q`, `1`)', request: q('q=1;x=2'), match: false },
    { desc: 'other pairs survive a bad escape', rule: 'Query(`q`, `1`)', request: q('a=%zz&q=1'), match: true },
    { desc: 'regexp on any value', rule: 'QueryRegexp(`q`, `^(traefik|nginx)$`)', request: q('q=x&q=nginx'), match: true },
    { desc: 'regexp needs the key', rule: 'QueryRegexp(`q`, `^.*$`)', request: q('rel=x'), match: false },
    { desc: 'regexp with one argument acts like Query', rule: 'QueryRegexp(`debug`)', request: q('debug'), match: true },
  ]);
});

describe('v3 ClientIP', () => {
  const from = (remoteAddr: string) => h('x', '/', { remoteAddr });
  runMatches([
    { desc: 'IPv4', rule: 'ClientIP(`10.0.0.1`)', request: from('10.0.0.1:5555'), match: true },
    { desc: 'bare address', rule: 'ClientIP(`10.0.0.1`)', request: from('10.0.0.1'), match: true },
    { desc: 'other IPv4', rule: 'ClientIP(`10.0.0.1`)', request: from('10.0.0.2'), match: false },
    { desc: 'IPv4 CIDR', rule: 'ClientIP(`192.168.1.0/24`)', request: from('192.168.1.77'), match: true },
    { desc: 'outside the CIDR', rule: 'ClientIP(`192.168.1.0/24`)', request: from('192.168.2.1'), match: false },
    { desc: 'IPv6', rule: 'ClientIP(`::1`)', request: from('[::1]:5555'), match: true },
    { desc: 'IPv6 CIDR', rule: 'ClientIP(`fe80::/10`)', request: from('fe80::1'), match: true },
    { desc: 'IPv4-mapped client against an IPv4 rule', rule: 'ClientIP(`127.0.0.1`)', request: from('::ffff:127.0.0.1'), match: true },
    { desc: 'IPv4-mapped client against an IPv4 CIDR', rule: 'ClientIP(`127.0.0.0/8`)', request: from('::ffff:127.0.0.5'), match: true },
    { desc: 'IPv6 range never holds IPv4', rule: 'ClientIP(`::/0`)', request: from('10.0.0.1'), match: false },
    { desc: 'unparsable remote address', rule: 'ClientIP(`127.0.0.1`)', request: from('1'), match: false },
    { desc: 'not forwarded headers', rule: 'ClientIP(`1.2.3.4`)', request: h('x', '/', { remoteAddr: '10.0.0.1', headers: { 'X-Forwarded-For': '1.2.3.4' } }), match: false },
  ]);
});

describe('v3 operators', () => {
  const r = h('a.test', '/api', { method: 'POST' });
  runMatches([
    { desc: 'and, both true', rule: 'Host(`a.test`) && PathPrefix(`/api`)', request: r, match: true },
    { desc: 'and, one false', rule: 'Host(`a.test`) && PathPrefix(`/web`)', request: r, match: false },
    { desc: 'or, one true', rule: 'Host(`b.test`) || Method(`POST`)', request: r, match: true },
    { desc: 'not', rule: '!Method(`GET`)', request: r, match: true },
    { desc: 'precedence: a || (b && c)', rule: 'Host(`a.test`) || Host(`x`) && Path(`/none`)', request: r, match: true },
    { desc: 'parentheses: (a || b) && c', rule: '(Host(`a.test`) || Host(`x`)) && Path(`/none`)', request: r, match: false },
    { desc: 'negated group', rule: '!(Host(`a.test`) && Path(`/api`))', request: r, match: false },
    { desc: 'negation inside a group', rule: '!(Host(`a.test`) && !Path(`/web`))', request: r, match: false },
  ]);
});

describe('v3 compile errors', () => {
  const cases: { desc: string; rule: string; message: RegExp }[] = [
    { desc: 'no argument', rule: 'Host()', message: /Host needs at least one argument/ },
    { desc: 'empty argument', rule: 'Path(``)', message: /Path: argument #1 is empty/ },
    { desc: 'empty second argument', rule: 'Header(`X-A`, ``)', message: /argument #2 is empty/ },
    { desc: 'too many hosts', rule: 'Host(`a`, `b`)', message: /Host takes 1 argument, got 2/ },
    { desc: 'Header needs two', rule: 'Header(`X-A`)', message: /Header takes 2 arguments, got 1/ },
    { desc: 'Query takes one or two', rule: 'Query(`a`, `b`, `c`)', message: /Query takes 1 or 2 arguments, got 3/ },
    { desc: 'non-ASCII host', rule: 'Host(`🦭.com`)', message: /non-ASCII characters are not allowed/ },
    { desc: 'non-ASCII host regexp', rule: 'HostRegexp(`locàlhost`)', message: /non-ASCII/ },
    { desc: 'path without slash', rule: 'PathPrefix(`api`)', message: /does not start with a '\/'/ },
    { desc: 'invalid path regexp', rule: 'PathRegexp(`/(css`)', message: /compiling PathRegexp matcher: .*missing closing \)/ },
    { desc: 'invalid header regexp', rule: 'HeaderRegexp(`X`, `[a`)', message: /compiling HeaderRegexp matcher/ },
    { desc: 'invalid query regexp', rule: 'QueryRegexp(`q`, `(a`)', message: /compiling QueryRegexp matcher/ },
    { desc: 'invalid IP', rule: 'ClientIP(`10.0.0.256`)', message: /neither an IP address nor a CIDR range/ },
    { desc: 'IP with leading zeros', rule: 'ClientIP(`010.0.0.1`)', message: /neither an IP address nor a CIDR range/ },
    { desc: 'CIDR prefix too long', rule: 'ClientIP(`10.0.0.0/33`)', message: /neither an IP address nor a CIDR range/ },
    { desc: 'error names the right matcher position', rule: 'Host(`a`) && Path(`x`)', message: /at column 14: Path/ },
  ];
  for (const c of cases) {
    test(`${c.desc}: ${c.rule}`, () => {
      assert.throws(() => compileRule(c.rule), (err: unknown) => err instanceof RuleError && c.message.test(err.message));
    });
  }
});
