import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Handler, MiddlewareFactory } from '@portico/sdk';
import plugins from '../src/index.js';
import {
  buildMiddleware,
  configErrorOf,
  createTestContext,
  fakeUpstream,
  findPlugin,
  startHarness,
  type TestRequest,
  type UpstreamAnswer,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'headers');

async function run(config: Record<string, unknown>, request: TestRequest = {}, backend: UpstreamAnswer = {}, opts: { tls?: boolean; terminal?: Handler } = {}) {
  const ctx = createTestContext();
  const mw = await buildMiddleware(plugin, config, ctx);
  const upstream = fakeUpstream(backend);
  const h = await startHarness({ middlewares: mw, terminal: opts.terminal ?? upstream.handler, tls: opts.tls });
  try {
    const res = await h.request(request);
    assert.deepEqual(h.errors, []);
    return { res, calls: upstream.calls, warnings: ctx.warnings };
  } finally {
    await h.close();
  }
}

describe('custom request and response headers', () => {
  test('a value replaces the client’s header (Header.Set)', async () => {
    const { calls } = await run({ customRequestHeaders: { 'X-A': 'mine' } }, { headers: { 'x-a': ['one', 'two'] } });
    assert.equal(calls[0].headers['x-a'], 'mine');
  });
  test('Host rewrites the Host sent upstream', async () => {
    const { calls } = await run({ customRequestHeaders: { host: 'internal.example' } }, { headers: { host: 'public.example' } });
    assert.equal(calls[0].headers.host, 'internal.example');
  });
  test('an empty Host value changes nothing (Go keeps Host outside the header map)', async () => {
    const { calls } = await run({ customRequestHeaders: { Host: '', 'X-B': 'b' } }, { headers: { host: 'public.example' } });
    assert.equal(calls[0].headers.host, 'public.example');
  });
  test('an empty lower-case x-forwarded-for only deletes: the proxy still appends the client IP', async () => {
    const { calls } = await run({ customRequestHeaders: { 'x-forwarded-for': '' } }, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(calls[0].headers['x-forwarded-for'], undefined);
    assert.equal(calls[0].appendXForwardedFor, true);
  });
  test('an empty response value removes the backend’s header', async () => {
    const { res } = await run({ customResponseHeaders: { Server: '', 'X-Added': 'yes' } }, {}, { headers: { Server: 'backend/1.0' } });
    assert.equal(res.headers.server, undefined);
    assert.equal(res.headers['x-added'], 'yes');
  });
  test('response headers also decorate answers produced behind the middleware (a 404)', async () => {
    const terminal: Handler = (ex) => ex.respond(404, 'not here');
    const { res } = await run({ customResponseHeaders: { 'X-Added': 'yes' } }, {}, {}, { terminal });
    assert.deepEqual([res.status, res.headers['x-added']], [404, 'yes']);
  });
  test('custom response headers run after the security headers and can override or remove them', async () => {
    const over = await run({ frameDeny: true, customResponseHeaders: { 'X-Frame-Options': 'SAMEORIGIN' } });
    assert.equal(over.res.headers['x-frame-options'], 'SAMEORIGIN');
    const removed = await run({ frameDeny: true, customResponseHeaders: { 'X-Frame-Options': '' } });
    assert.equal(removed.res.headers['x-frame-options'], undefined);
  });
});

describe('CORS', () => {
  const preflight = (origin: string): TestRequest => ({ method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT' } });
  const cases: Array<{ desc: string; config: Record<string, unknown>; request: TestRequest; upstreamCalled: boolean; headers: Record<string, string | undefined> }> = [
    {
      desc: 'preflight with credentials; Max-Age always sent',
      config: { accessControlAllowOriginList: ['https://a.example'], accessControlAllowCredentials: true },
      request: preflight('https://a.example'),
      upstreamCalled: false,
      headers: { 'access-control-allow-origin': 'https://a.example', 'access-control-allow-credentials': 'true', 'access-control-max-age': '0', 'content-length': '0' },
    },
    {
      desc: 'preflight from a refused origin: still answered, without Allow-Origin',
      config: { accessControlAllowOriginList: ['https://a.example'], accessControlAllowMethods: ['GET'] },
      request: preflight('https://evil.example'),
      upstreamCalled: false,
      headers: { 'access-control-allow-origin': undefined, 'access-control-allow-methods': 'GET' },
    },
    {
      desc: 'OPTIONS without Access-Control-Request-Method is not a preflight',
      config: { accessControlAllowOriginList: ['*'] },
      request: { method: 'OPTIONS', headers: { origin: 'https://a.example' } },
      upstreamCalled: true,
      headers: { 'access-control-allow-origin': '*', 'access-control-max-age': undefined },
    },
    {
      desc: 'regex origin with a Go (?i) flag',
      config: { accessControlAllowOriginListRegex: ['(?i)^https://[a-z]+\\.example$'] },
      request: { headers: { origin: 'https://API.EXAMPLE' } },
      upstreamCalled: true,
      headers: { 'access-control-allow-origin': 'https://API.EXAMPLE' },
    },
    {
      desc: 'actual request: credentials and exposed headers',
      config: { accessControlAllowOriginList: ['https://a.example'], accessControlAllowCredentials: true, accessControlExposeHeaders: ['X-One', 'X-Two'] },
      request: { headers: { origin: 'https://a.example' } },
      upstreamCalled: true,
      headers: { 'access-control-allow-origin': 'https://a.example', 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'X-One,X-Two' },
    },
    {
      desc: '"*" allows even a request without Origin',
      config: { accessControlAllowOriginList: ['*'] },
      request: {},
      upstreamCalled: true,
      headers: { 'access-control-allow-origin': '*' },
    },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res, calls } = await run(c.config, c.request);
      assert.equal(res.status, 200);
      assert.equal(calls.length > 0, c.upstreamCalled);
      for (const [name, value] of Object.entries(c.headers)) assert.equal(res.headers[name], value, name);
    });
  }
});

describe('security headers', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; request?: TestRequest; tls?: boolean; headers: Record<string, string | undefined> }> = [
    { desc: 'STS is only sent over HTTPS', config: { stsSeconds: 31536000 }, headers: { 'strict-transport-security': undefined } },
    { desc: 'STS over TLS with subdomains and preload', config: { stsSeconds: 60, stsIncludeSubdomains: true, stsPreload: true }, tls: true, headers: { 'strict-transport-security': 'max-age=60; includeSubDomains; preload' } },
    { desc: 'sslProxyHeaders mark a request as HTTPS', config: { stsSeconds: 60, sslProxyHeaders: { 'X-Forwarded-Proto': 'https' } }, request: { headers: { 'x-forwarded-proto': 'https' } }, headers: { 'strict-transport-security': 'max-age=60' } },
    { desc: 'forceSTSHeader sends STS over plain HTTP', config: { stsSeconds: 60, forceSTSHeader: true }, headers: { 'strict-transport-security': 'max-age=60' } },
    { desc: 'isDevelopment drops STS', config: { stsSeconds: 60, forceSTSHeader: true, isDevelopment: true }, headers: { 'strict-transport-security': undefined } },
    { desc: 'HPKP only over HTTPS', config: { publicKey: 'pin-sha256="x"' }, headers: { 'public-key-pins': undefined } },
    { desc: 'HPKP over TLS', config: { publicKey: 'pin-sha256="x"' }, tls: true, headers: { 'public-key-pins': 'pin-sha256="x"' } },
    { desc: 'customFrameOptionsValue wins over frameDeny', config: { frameDeny: true, customFrameOptionsValue: 'SAMEORIGIN' }, headers: { 'x-frame-options': 'SAMEORIGIN' } },
    { desc: 'browserXssFilter', config: { browserXssFilter: true }, headers: { 'x-xss-protection': '1; mode=block' } },
    { desc: 'customBrowserXSSValue wins', config: { browserXssFilter: true, customBrowserXSSValue: '0' }, headers: { 'x-xss-protection': '0' } },
    { desc: 'CSP, report-only, referrer and permissions policies', config: { contentSecurityPolicy: "default-src 'self'", contentSecurityPolicyReportOnly: 'img-src *', referrerPolicy: 'no-referrer', permissionsPolicy: 'camera=()' }, headers: { 'content-security-policy': "default-src 'self'", 'content-security-policy-report-only': 'img-src *', 'referrer-policy': 'no-referrer', 'permissions-policy': 'camera=()' } },
    { desc: 'deprecated featurePolicy still sets Feature-Policy', config: { featurePolicy: 'vibrate none' }, headers: { 'feature-policy': 'vibrate none' } },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res } = await run(c.config, c.request, {}, { tls: c.tls });
      assert.equal(res.status, 200);
      for (const [name, value] of Object.entries(c.headers)) assert.equal(res.headers[name], value, name);
    });
  }

  test('$NONCE becomes a fresh nonce per request', async () => {
    const mw = await buildMiddleware(plugin, { contentSecurityPolicy: 'script-src $NONCE' });
    const upstream = fakeUpstream({});
    const h = await startHarness({ middlewares: mw, terminal: upstream.handler });
    try {
      const a = String((await h.request()).headers['content-security-policy']);
      const b = String((await h.request()).headers['content-security-policy']);
      assert.match(a, /^script-src 'nonce-[A-Za-z0-9+/]{22}=='$/);
      assert.notEqual(a, b);
    } finally {
      await h.close();
    }
  });
});

describe('allowed hosts and SSL redirects', () => {
  test('a host outside allowedHosts gets 500 Bad Host (before reaching the upstream)', async () => {
    const { res, calls } = await run({ allowedHosts: ['a.example'] }, { headers: { host: 'b.example' } });
    assert.deepEqual([res.status, res.body, calls.length], [500, 'Bad Host\n', 0]);
  });
  test('the Host port counts (allowedHosts compares the whole Host)', async () => {
    const { res } = await run({ allowedHosts: ['a.example'] }, { headers: { host: 'a.example:8080' } });
    assert.equal(res.status, 500);
  });
  test('allowedHosts compares case-insensitively', async () => {
    const { res } = await run({ allowedHosts: ['A.example'] }, { headers: { host: 'a.EXAMPLE' } });
    assert.equal(res.status, 200);
  });
  test('hostsProxyHeaders: the first non-empty one replaces Host', async () => {
    const { res } = await run({ allowedHosts: ['a.example'], hostsProxyHeaders: ['X-Forwarded-Host'] }, { headers: { host: 'internal', 'x-forwarded-host': 'a.example' } });
    assert.equal(res.status, 200);
  });
  test('isDevelopment disables allowedHosts', async () => {
    const { res } = await run({ allowedHosts: ['a.example'], isDevelopment: true }, { headers: { host: 'b.example' } });
    assert.equal(res.status, 200);
  });
  test('sslRedirect (deprecated): 301 to https with Go’s body, and a warning', async () => {
    const { res, calls, warnings } = await run({ sslRedirect: true }, { path: '/p?q=1', headers: { host: 'a.example' } });
    assert.deepEqual([res.status, res.headers.location, calls.length], [301, 'https://a.example/p?q=1', 0]);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.body, '<a href="https://a.example/p?q=1">Moved Permanently</a>.\n\n');
    assert.match(warnings.join(), /sslRedirect is deprecated/);
  });
  test('sslTemporaryRedirect + sslHost: 307 to the SSL host, no body for POST', async () => {
    const { res } = await run({ sslRedirect: true, sslTemporaryRedirect: true, sslHost: 'secure.example' }, { method: 'POST', path: '/x', headers: { host: 'a.example' }, body: 'b' });
    assert.deepEqual([res.status, res.headers.location, res.body], [307, 'https://secure.example/x', '']);
  });
  test('no SSL redirect over TLS', async () => {
    const { res } = await run({ sslRedirect: true }, {}, {}, { tls: true });
    assert.equal(res.status, 200);
  });
  test('sslForceHost redirects HTTPS requests for another host', async () => {
    const { res } = await run({ sslForceHost: true, sslHost: 'secure.example' }, { headers: { host: 'a.example' } }, {}, { tls: true });
    assert.deepEqual([res.status, res.headers.location], [301, 'https://secure.example/']);
  });
  test('over HTTPS, an http:// Location to sslHost is rewritten to https://', async () => {
    const { res } = await run({ sslHost: 'secure.example', sslProxyHeaders: { 'X-Forwarded-Proto': 'https' } }, { headers: { 'x-forwarded-proto': 'https' } }, { status: 302, headers: { location: 'http://secure.example/next' } });
    assert.equal(res.headers.location, 'https://secure.example/next');
  });
});

describe('headers configuration', () => {
  const errors: Array<{ desc: string; config: Record<string, unknown>; path: string; message: RegExp }> = [
    { desc: 'no option at all', config: {}, path: '', message: /headers configuration not valid/ },
    { desc: 'only empty/false options', config: { frameDeny: false, customRequestHeaders: {} }, path: '', message: /headers configuration not valid/ },
    { desc: 'invalid origin regex names its index', config: { accessControlAllowOriginListRegex: ['ok', '(unclosed'] }, path: 'accessControlAllowOriginListRegex[1]', message: /origin parsing/ },
    { desc: 'unknown option', config: { customRequestHeader: { a: 'b' } }, path: 'customRequestHeader', message: /did you mean "customRequestHeaders"/ },
    { desc: 'header value that is not a string', config: { customRequestHeaders: { a: { b: 1 } } }, path: 'customRequestHeaders.a', message: /expected a string/ },
  ];
  for (const c of errors) {
    test(c.desc, async () => {
      const err = await configErrorOf(plugin, c.config);
      assert.ok(err !== undefined, 'configuration must be rejected');
      assert.equal(err.path, c.path);
      assert.match(err.message, c.message);
    });
  }

  test('stsSeconds: 0 alone is accepted and changes nothing', async () => {
    const { res } = await run({ stsSeconds: 0 }, {}, {}, { tls: true });
    assert.deepEqual([res.status, res.headers['strict-transport-security']], [200, undefined]);
  });

  test('headers placed before another middleware also decorate its answers', async () => {
    const deny: MiddlewareFactory = () => (ex) => ex.respond(401, 'no');
    const mw = await buildMiddleware(plugin, { customResponseHeaders: { 'X-Added': 'yes' } });
    const h = await startHarness({ middlewares: [mw, deny], terminal: () => {} });
    try {
      const res = await h.request();
      assert.deepEqual([res.status, res.headers['x-added']], [401, 'yes']);
    } finally {
      await h.close();
    }
  });
});
