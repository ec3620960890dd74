import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalHost, parseQuery, routingInput, routingPath } from '../../src/rules/index.js';

describe('routing path (decoded except reserved characters)', () => {
  const cases: { desc: string; raw: string; path: string | undefined }[] = [
    { desc: 'plain path is unchanged', raw: '/api/v1/users', path: '/api/v1/users' },
    { desc: 'sub-delims stay as sent', raw: "/a;b=c,d!$&'()*+@:", path: "/a;b=c,d!$&'()*+@:" },
    { desc: 'encoded space is decoded', raw: '/foo%20bar', path: '/foo bar' },
    { desc: 'encoded unreserved letter is decoded', raw: '/%61dmin', path: '/admin' },
    { desc: 'lower-case hex is decoded', raw: '/%61%64%6d%69%6e', path: '/admin' },
    { desc: 'encoded slash stays encoded', raw: '/foo%2Fbar', path: '/foo%2Fbar' },
    { desc: 'lower-case encoded slash stays encoded, upper-cased', raw: '/foo%2fbar', path: '/foo%2Fbar' },
    { desc: 'encoded percent stays encoded', raw: '/100%25', path: '/100%25' },
    { desc: 'encoded ? and # stay encoded', raw: '/a%3Fb%23c', path: '/a%3Fb%23c' },
    { desc: 'mixed', raw: '/foo%20bar%2Fbaz%23qux', path: '/foo bar%2Fbaz%23qux' },
    { desc: 'UTF-8 is decoded', raw: '/caf%C3%A9', path: '/café' },
    { desc: 'braces are decoded', raw: '/%7Bpath:css%7D', path: '/{path:css}' },
    { desc: 'raw braces are kept', raw: '/{path:css}', path: '/{path:css}' },
    { desc: 'Go re-escapes a path that is not validly encoded: ! becomes %21', raw: '/{a}!', path: '/{a}%21' },
    { desc: 'raw space is kept', raw: '/a b', path: '/a b' },
    { desc: 'raw UTF-8 bytes (latin1 characters, as Node delivers them) are decoded', raw: '/caf\u00c3\u00a9', path: '/café' },
    { desc: 'asterisk form', raw: '*', path: '*' },
    { desc: 'malformed escape is a bad request', raw: '/a%zz', path: undefined },
    { desc: 'truncated escape is a bad request', raw: '/a%2', path: undefined },
  ];
  for (const c of cases) {
    test(`${c.desc}: ${c.raw}`, () => assert.equal(routingPath(c.raw), c.path));
  }
});

describe('canonical host (request decorator)', () => {
  const cases: { desc: string; header: string; host: string }[] = [
    { desc: 'host', header: 'example.com', host: 'example.com' },
    { desc: 'upper case', header: 'Example.COM', host: 'example.com' },
    { desc: 'port', header: 'example.com:8080', host: 'example.com' },
    { desc: 'empty port', header: 'example.com:', host: 'example.com' },
    { desc: 'IPv4 and port', header: '127.0.0.1:123', host: '127.0.0.1' },
    { desc: 'bracketed IPv6 and port', header: '[fe80::1]:123', host: 'fe80::1' },
    { desc: 'bracketed IPv6', header: '[fe80::1]', host: 'fe80::1' },
    { desc: 'bare IPv6', header: 'fe80::215:5dff:fe20:cd6a', host: 'fe80::215:5dff:fe20:cd6a' },
    { desc: 'broken IPv6 is kept', header: '[fe80::1', host: '[fe80::1' },
    { desc: 'only a colon', header: ':', host: '' },
    { desc: 'empty', header: '', host: '' },
  ];
  for (const c of cases) {
    test(`${c.desc}: ${JSON.stringify(c.header)}`, () => assert.equal(canonicalHost(c.header), c.host));
  }
});

describe('routingInput', () => {
  const base = { method: 'GET', headers: {}, remoteAddress: '10.0.0.1' };
  const cases: {
    desc: string;
    target: string;
    hostHeader?: string;
    method?: string;
    expect: { host?: string; rawHost?: string; path?: string; rawQuery?: string | null } | undefined;
  }[] = [
    { desc: 'origin-form', target: '/a?b=1', hostHeader: 'X.test:81', expect: { host: 'x.test', rawHost: 'X.test:81', path: '/a', rawQuery: 'b=1' } },
    { desc: 'no query', target: '/a', hostHeader: 'x', expect: { rawQuery: null } },
    { desc: 'empty query', target: '/a?', hostHeader: 'x', expect: { rawQuery: '' } },
    { desc: 'absolute-form uses the authority', target: 'http://a.test:81/p?q', hostHeader: 'b.test', expect: { host: 'a.test', rawHost: 'a.test:81', path: '/p', rawQuery: 'q' } },
    { desc: 'absolute-form drops userinfo', target: 'http://u:p@a.test/', hostHeader: 'b.test', expect: { host: 'a.test' } },
    { desc: 'absolute-form with empty authority falls back to Host', target: 'http://@/', hostHeader: 'b.test', expect: { host: 'b.test', rawHost: '', path: '/' } },
    { desc: 'absolute-form without path', target: 'http://a.test', expect: { host: 'a.test', path: '' } },
    { desc: 'CONNECT authority-form', target: 'a.test:443', method: 'CONNECT', expect: { host: 'a.test', path: '' } },
    { desc: 'relative target is a bad request', target: 'a/b', expect: undefined },
    { desc: 'malformed escape is a bad request', target: '/%zz', expect: undefined },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const input = routingInput({ ...base, method: c.method ?? 'GET', hostHeader: c.hostHeader, requestTarget: c.target });
      if (c.expect === undefined) {
        assert.equal(input, undefined);
        return;
      }
      assert.ok(input);
      for (const [k, v] of Object.entries(c.expect)) assert.equal(input[k as keyof typeof input], v, k);
    });
  }
  test('client IP is the socket address with any port removed', () => {
    const input = routingInput({ ...base, hostHeader: 'x', requestTarget: '/', remoteAddress: '[::1]:4000' });
    assert.equal(input?.clientIp, '::1');
  });
});

describe('query parsing (Go url.ParseQuery)', () => {
  const cases: { desc: string; raw: string; parsed: Record<string, string[]> }[] = [
    { desc: 'pairs in order', raw: 'a=1&b=2&a=3', parsed: { a: ['1', '3'], b: ['2'] } },
    { desc: 'key without value', raw: 'flag', parsed: { flag: [''] } },
    { desc: 'plus is a space', raw: 'q=a+b', parsed: { q: ['a b'] } },
    { desc: 'percent-decoding', raw: 'k%26=%3D', parsed: { 'k&': ['='] } },
    { desc: 'only the first = splits', raw: 'a=b=c', parsed: { a: ['b=c'] } },
    { desc: 'empty pairs are skipped', raw: '&&a=1&', parsed: { a: ['1'] } },
    { desc: 'pairs with ; are skipped', raw: 'a=1;b=2&c=3', parsed: { c: ['3'] } },
    { desc: 'pairs with bad escapes are skipped', raw: 'a=%zz&b=%41', parsed: { b: ['A'] } },
  ];
  for (const c of cases) {
    test(`${c.desc}: ${c.raw}`, () => assert.deepEqual(Object.fromEntries(parseQuery(c.raw)), c.parsed));
  }
});
