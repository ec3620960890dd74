// Corpus request → wire bytes and client source address.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CaseRequest } from './cases.js';
import { buildRequest, sourceAddress } from './request-builder.js';

describe('buildRequest', () => {
  const cases: { desc: string; req: CaseRequest; go?: boolean; wire: string }[] = [
    {
      desc: 'origin-form with query, Host as given, repeated header lines in order',
      req: { method: 'GET', host: 'example.com:8080', path: '/a%20b', query: 'q=1', headers: { 'X-A': 'v', 'X-B': ['v1', 'v2'] } },
      wire: 'GET /a%20b?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nX-A: v\r\nX-B: v1\r\nX-B: v2\r\n\r\n',
    },
    { desc: 'empty query keeps the ?', req: { method: 'GET', host: 'h', path: '/', query: '' }, wire: 'GET /? HTTP/1.1\r\nHost: h\r\n\r\n' },
    { desc: 'no Host when absent (rules.json mode)', req: { method: 'get', path: '/' }, wire: 'get / HTTP/1.1\r\n\r\n' },
    { desc: 'Go default Host example.com', req: { path: '/foo' }, go: true, wire: 'GET /foo HTTP/1.1\r\nHost: example.com\r\n\r\n' },
    {
      desc: 'Go default Host from an absolute-form target',
      req: { method: 'GET', requestTarget: 'http://localhost:3000/ok', path: '/ok' },
      go: true,
      wire: 'GET http://localhost:3000/ok HTTP/1.1\r\nHost: localhost:3000\r\n\r\n',
    },
    {
      desc: 'empty Host header is sent empty',
      req: { method: 'GET', host: '', path: '/' },
      go: true,
      wire: 'GET / HTTP/1.1\r\nHost: \r\n\r\n',
    },
    {
      desc: 'basic auth and body',
      req: { method: 'POST', host: 'h', path: '/', basicAuth: { username: 'test', password: 'test' }, body: 'é' },
      wire: 'POST / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dGVzdDp0ZXN0\r\nContent-Length: 2\r\n\r\né',
    },
    {
      desc: 'rawRequest wins',
      req: { method: 'GET', host: 'example.org', path: '/', requestTarget: 'http://@/', rawRequest: 'GET http://@/ HTTP/1.1\r\nHost: example.com\r\n\r\n' },
      wire: 'GET http://@/ HTTP/1.1\r\nHost: example.com\r\n\r\n',
    },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const built = buildRequest(c.req, { goHostDefault: c.go });
      assert.ok(built.ok);
      assert.equal(built.request.bytes.toString('utf8'), c.wire);
    });
  }

  test('a remote address off loopback is not runnable', () => {
    const built = buildRequest({ method: 'GET', host: 'h', path: '/', remoteAddr: '10.0.0.1:80' });
    assert.equal(built.ok, false);
  });
});

describe('sourceAddress', () => {
  const cases: { remoteAddr: string | undefined; expect: string | undefined | false }[] = [
    { remoteAddr: undefined, expect: undefined },
    { remoteAddr: '127.0.0.1', expect: '127.0.0.1' },
    { remoteAddr: '127.0.0.2:8456', expect: '127.0.0.2' },
    { remoteAddr: '192.168.1.1', expect: false },
    { remoteAddr: '1', expect: false },
    { remoteAddr: '10::10', expect: false },
    { remoteAddr: '[::1]:80', expect: false },
  ];
  for (const c of cases) {
    test(`remoteAddr ${JSON.stringify(c.remoteAddr)}`, () => {
      const got = sourceAddress(c.remoteAddr);
      if (c.expect === false) assert.equal(got.ok, false);
      else assert.deepEqual(got, c.expect === undefined ? { ok: true } : { ok: true, address: c.expect });
    });
  }
});
