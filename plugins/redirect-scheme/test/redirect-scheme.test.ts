import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import plugins, { redirectSchemeHandler } from '../src/index.js';
import {
  buildMiddleware,
  checkExpectations,
  configErrorOf,
  fakeUpstream,
  findPlugin,
  loadMiddlewareCases,
  startHarness,
  type MiddlewareCase,
  type TestRequest,
  type TestResponse,
} from '../../../test/helpers/middleware-harness.js';
import type { MiddlewareFactory } from '@portico/sdk';

const plugin = findPlugin(plugins, 'redirectScheme');

async function runWith(mw: MiddlewareFactory, request: TestRequest, tls = false) {
  const upstream = fakeUpstream({ status: 200 });
  const h = await startHarness({ middlewares: mw, terminal: upstream.handler, tls });
  try {
    const res = await h.request(request);
    assert.deepEqual(h.errors, []);
    return { res, calls: upstream.calls };
  } finally {
    await h.close();
  }
}

async function run(config: Record<string, unknown>, request: TestRequest, tls = false) {
  return runWith(await buildMiddleware(plugin, config), request, tls);
}

function checkLocation(c: MiddlewareCase, res: TestResponse, unchecked: string[]): string[] {
  const left: string[] = [];
  for (const key of unchecked) {
    if (key === 'location') assert.equal(res.headers.location, c.expect.location, `${c.id}: location`);
    else if (key === 'noLocation') assert.equal(res.headers.location, undefined, `${c.id}: noLocation`);
    else left.push(key);
  }
  return left;
}

describe('redirectScheme conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('redirectScheme');
  let passed = 0;
  after(() => console.log(`redirectScheme conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      if (c.expect.configError === true) {
        assert.ok(await configErrorOf(plugin, c.config));
        passed++;
        return;
      }
      const r = c.request!;
      const path = r.requestTarget ?? (r.path ?? '/') + (r.query !== undefined ? `?${r.query}` : '');
      const tls = (r as { tls?: boolean }).tls === true;
      const request = { method: r.method, path, headers: { ...r.headers, host: r.host ?? 'localhost' } };
      // The corpus writes Go's `yaml:"-"` field ForcePermanentRedirect as the key "-": it is not a configuration
      // option, so it goes through the exported builder (what providers use) instead of the schema.
      const { '-': force, ...config } = c.config;
      const mw = force === undefined ? await buildMiddleware(plugin, config) : redirectSchemeHandler({ ...(config as { scheme: string }), forcePermanentRedirect: force === true });
      const { res, calls } = await runWith(mw, request, tls);
      assert.deepEqual(checkLocation(c, res, checkExpectations(assert, c, res, calls)), []);
      passed++;
    });
  }
});

describe('redirectScheme', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; method?: string; target?: string; host?: string; headers?: Record<string, string>; tls?: boolean; status: number; location?: string }> = [
    { desc: 'origin-form HTTP to HTTPS', config: { scheme: 'https' }, target: '/a?b=1', host: 'foo', status: 302, location: 'https://foo/a?b=1' },
    { desc: 'origin-form keeps a trailing slash for the root', config: { scheme: 'https' }, target: '/', host: 'foo', status: 302, location: 'https://foo/' },
    { desc: 'port of the Host header dropped without a configured port', config: { scheme: 'https' }, host: 'foo:8080', status: 302, location: 'https://foo/' },
    { desc: 'configured port added', config: { scheme: 'https', port: '8443' }, host: 'foo:8000', status: 302, location: 'https://foo:8443/' },
    { desc: 'numeric port in the configuration', config: { scheme: 'https', port: 8443 }, host: 'foo', status: 302, location: 'https://foo:8443/' },
    { desc: 'TLS request already https: no redirect', config: { scheme: 'https' }, host: 'foo', tls: true, status: 200 },
    { desc: 'TLS on port 443 with port 443 configured: no redirect', config: { scheme: 'https', port: '443' }, host: 'foo:443', tls: true, status: 200 },
    { desc: 'TLS on another port: redirected to the default port', config: { scheme: 'https' }, host: 'foo:8443', tls: true, status: 302, location: 'https://foo/' },
    { desc: 'X-Forwarded-Proto https: no redirect', config: { scheme: 'https' }, host: 'foo', headers: { 'x-forwarded-proto': 'https' }, status: 200 },
    { desc: 'X-Forwarded-Proto is case-insensitive', config: { scheme: 'https' }, host: 'foo', headers: { 'x-forwarded-proto': 'HTTPS' }, status: 200 },
    { desc: 'X-Forwarded-Proto unknown value is ignored', config: { scheme: 'https' }, host: 'foo', headers: { 'x-forwarded-proto': 'bar' }, status: 302, location: 'https://foo/' },
    { desc: 'X-Forwarded-Proto http overrides TLS', config: { scheme: 'https' }, host: 'foo', tls: true, headers: { 'x-forwarded-proto': 'http' }, status: 302, location: 'https://foo/' },
    { desc: 'permanent GET: 301', config: { scheme: 'https', permanent: true }, host: 'foo', status: 301, location: 'https://foo/' },
    { desc: 'permanent POST: 308', config: { scheme: 'https', permanent: true }, method: 'POST', host: 'foo', status: 308, location: 'https://foo/' },
    { desc: 'POST: 307', config: { scheme: 'https' }, method: 'POST', host: 'foo', status: 307, location: 'https://foo/' },
    { desc: 'IPv6 Host header keeps its brackets', config: { scheme: 'https', port: '8443' }, host: '[::1]:80', status: 302, location: 'https://[::1]:8443/' },
    { desc: 'IPv6 Host header without port', config: { scheme: 'https' }, host: '[::1]', status: 302, location: 'https://[::1]/' },
    { desc: 'absolute-form target wins over Host', config: { scheme: 'https' }, target: 'http://bar:8080/x', host: 'foo', status: 302, location: 'https://bar/x' },
    { desc: 'to http on port 80 from http: no redirect', config: { scheme: 'http', port: '80' }, host: 'foo:80', status: 200 },
    { desc: 'encoded path kept in Location', config: { scheme: 'https' }, target: '/a%2Fb', host: 'foo', status: 302, location: 'https://foo/a%2Fb' },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res, calls } = await run(c.config, { method: c.method, path: c.target ?? '/', headers: { host: c.host ?? 'foo', ...c.headers } }, c.tls);
      assert.equal(res.status, c.status);
      assert.equal(res.headers.location, c.location);
      assert.equal(calls.length, c.status === 200 ? 1 : 0);
    });
  }

  test('forcePermanentRedirect: 308 even for GET', async () => {
    const { res } = await runWith(redirectSchemeHandler({ scheme: 'https', forcePermanentRedirect: true }), { path: '/x', headers: { host: 'foo' } });
    assert.equal(res.status, 308);
    assert.equal(res.headers.location, 'https://foo/x');
    assert.equal(res.body, 'Permanent Redirect');
  });

  const configCases: Array<{ desc: string; config: unknown; path?: string }> = [
    { desc: 'missing scheme', config: {}, path: 'scheme' },
    { desc: 'empty scheme', config: { scheme: '' }, path: 'scheme' },
    { desc: 'unknown option', config: { scheme: 'https', forcePermanentRedirect: true } },
    { desc: 'permanent not a boolean', config: { scheme: 'https', permanent: 'yes please' } },
  ];
  for (const c of configCases) {
    test(`config error: ${c.desc}`, async () => {
      const err = await configErrorOf(plugin, c.config);
      assert.ok(err !== undefined);
      if (c.path !== undefined) assert.equal(err.path, c.path);
    });
  }
});
