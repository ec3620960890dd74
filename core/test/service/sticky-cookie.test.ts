// Sticky cookie pieces against Traefik's own vectors (pkg/server/cookie/cookie_test.go, sticky_test.go) and
// Go's Set-Cookie formatting.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutgoingHttpHeaders } from 'node:http';
import { createStickyCookie, defaultCookieName, formatSetCookie, readCookie, sanitizeCookieName } from '../../src/service/sticky-cookie.js';
import type { Exchange, ResponseModifier } from '../../src/http/exchange.js';

describe('cookie names', () => {
  const cases = [
    { desc: 'default name from the service name (Traefik GenerateName("backend"))', got: () => defaultCookieName('backend'), want: '_76eb3' },
    { desc: 'default name of a path-like service name', got: () => defaultCookieName('/my/BACKEND-v1.0~rc1'), want: '_5f7bc' },
    { desc: 'configured name keeps token characters, others become _', got: () => sanitizeCookieName('/my/BACKEND-v1.0~rc1'), want: '_my_BACKEND-v1.0~rc1' },
    { desc: 'every separator replaced', got: () => sanitizeCookieName("!#$%&'()*+-./:<=>?@[]^_`{|}~"), want: "!#$%&'__*+-._________^_`_|_~" },
  ];
  for (const c of cases) test(c.desc, () => assert.equal(c.got(), c.want));
});

describe('Set-Cookie formatting (Go attribute order)', () => {
  const cases = [
    { desc: 'defaults: path / only', cfg: {}, want: 'n=v; Path=/' },
    {
      desc: 'every attribute',
      cfg: { secure: true, httpOnly: true, sameSite: 'none' as const, maxAge: 42, path: '/foo', domain: 'foo.com' },
      want: 'n=v; Path=/foo; Domain=foo.com; Max-Age=42; HttpOnly; Secure; SameSite=None',
    },
    { desc: 'negative maxAge deletes the cookie', cfg: { maxAge: -1 }, want: 'n=v; Path=/; Max-Age=0' },
    { desc: 'sameSite lax', cfg: { sameSite: 'lax' as const }, want: 'n=v; Path=/; SameSite=Lax' },
    { desc: 'sameSite strict', cfg: { sameSite: 'strict' as const }, want: 'n=v; Path=/; SameSite=Strict' },
    { desc: 'empty sameSite: no attribute', cfg: { sameSite: '' as const }, want: 'n=v; Path=/' },
    { desc: 'leading dot of the domain dropped', cfg: { domain: '.example.com' }, want: 'n=v; Path=/; Domain=example.com' },
  ];
  for (const c of cases) test(c.desc, () => assert.equal(formatSetCookie('n', 'v', c.cfg), c.want));
});

describe('reading the Cookie header', () => {
  const cases = [
    { desc: 'absent header', header: undefined, want: undefined },
    { desc: 'only cookie', header: 'lb=abc', want: 'abc' },
    { desc: 'among others, with spaces', header: 'a=1; lb=abc; b=2', want: 'abc' },
    { desc: 'a longer name with the same prefix is not it', header: 'lbx=1; lb=2', want: '2' },
    { desc: 'quoted value unquoted', header: 'lb="abc"', want: 'abc' },
    { desc: 'first of two wins (Go req.Cookie)', header: 'lb=1; lb=2', want: '1' },
    { desc: 'empty value', header: 'lb=', want: '' },
    { desc: 'missing', header: 'a=1; b=2', want: undefined },
  ];
  for (const c of cases) test(c.desc, () => assert.equal(readCookie(c.header, 'lb'), c.want));
});

/** A stand-in Exchange: a Cookie header, and the Set-Cookie the registered modifiers would write. */
function fakeExchange(cookie?: string): { ex: Exchange; setCookie: () => unknown } {
  const mods: ResponseModifier[] = [];
  const ex = { headers: cookie === undefined ? {} : { cookie }, onResponseHead: (m: ResponseModifier) => mods.push(m) } as unknown as Exchange;
  return {
    ex,
    setCookie: () => {
      const h: OutgoingHttpHeaders = {};
      for (const m of mods) m(200, h, ex);
      return h['set-cookie'];
    },
  };
}

describe('choosing with a sticky cookie', () => {
  const keys = ['a', 'http://127.0.0.1:8080'];
  const sticky = createStickyCookie({ name: 'lb' }, 'svc@file', keys);
  const cases = [
    { desc: 'values are sha256(key)[:16]', run: () => [sticky.valueOf(0), sticky.valueOf(1)], want: ['ca978112ca1bbdca', 'd30a576c03187167'] },
    { desc: 'no cookie: balance and set it', cookie: undefined, up: [true, true], balance: 1, want: 1, set: 'lb=d30a576c03187167; Path=/' },
    { desc: 'cookie names an available server: kept, no Set-Cookie', cookie: 'lb=ca978112ca1bbdca', up: [true, true], balance: 1, want: 0, set: undefined },
    { desc: 'cookie names a server that is down: balance and reset', cookie: 'lb=ca978112ca1bbdca', up: [false, true], balance: 1, want: 1, set: 'lb=d30a576c03187167; Path=/' },
    { desc: 'unknown value: balance and reset', cookie: 'lb=ffff', up: [true, true], balance: 0, want: 0, set: 'lb=ca978112ca1bbdca; Path=/' },
    { desc: 'legacy raw URL value: kept and rewritten', cookie: 'lb=http://127.0.0.1:8080', up: [true, true], balance: 0, want: 1, set: 'lb=d30a576c03187167; Path=/' },
    { desc: 'legacy fnv64 value (FNV-1 of "a" = af63bd4c8601b7be): kept and rewritten', cookie: 'lb=af63bd4c8601b7be', up: [true, true], balance: 1, want: 0, set: 'lb=ca978112ca1bbdca; Path=/' },
    { desc: 'nothing available: -1 and no cookie', cookie: undefined, up: [false, false], balance: -1, want: -1, set: undefined },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      if ('run' in c && c.run) return assert.deepEqual(c.run(), c.want);
      const { ex, setCookie } = fakeExchange(c.cookie);
      assert.equal(sticky.choose(ex, (i) => c.up![i], () => c.balance!), c.want);
      assert.equal(setCookie(), c.set);
    });
  }
});
