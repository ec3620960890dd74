import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { compileSourceCriterion, Exchange, parseDuration, decode } from '@portico/sdk';
import type { IncomingMessage, ServerResponse } from 'node:http';
import plugins, { rateLimitParams } from '../src/index.js';
import {
  buildMiddleware,
  configErrorOf,
  createTestContext,
  fakeUpstream,
  findPlugin,
  loadMiddlewareCases,
  startHarness,
  type TestRequest,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'rateLimit');

/** Serves `requests` one after the other through a rateLimit built from `config`; returns the statuses. */
async function serve(config: Record<string, unknown>, requests: TestRequest[], store = new Map<string, unknown>()) {
  const mw = await buildMiddleware(plugin, config, createTestContext({ store }));
  const upstream = fakeUpstream({ status: 200, body: 'ok' });
  const h = await startHarness({ middlewares: mw, terminal: upstream.handler });
  try {
    const responses = [];
    for (const r of requests) responses.push(await h.request(r));
    assert.deepEqual(h.errors, []);
    return responses;
  } finally {
    await h.close();
  }
}

describe('rateLimit conformance (middlewares.json, ratelimiter.New component cases)', () => {
  const cases = loadMiddlewareCases('rateLimit');
  let passed = 0;
  after(() => console.log(`rateLimit conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      const { value, issues } = decode<Parameters<typeof rateLimitParams>[0]>(plugin.schema, c.config);
      assert.deepEqual(issues, []);
      const { limits } = rateLimitParams(value);
      for (const [key, want] of Object.entries(c.expect)) {
        if (key === 'rateLimit') {
          assert.equal(want, 'unlimited (rate.Inf)');
          assert.equal(limits, null);
          // And end to end: well past the burst, nothing is refused.
          const statuses = (await serve(c.config, Array.from({ length: 15 }, () => ({})))).map((r) => r.status);
          assert.ok(statuses.every((s) => s === 200));
        } else if (key === 'maxDelay') {
          assert.equal(limits?.maxDelayNs, Math.round(parseDuration(String(want)) * 1e6));
        } else if (key === 'sourceKeyForRemoteAddr') {
          const extract = compileSourceCriterion(undefined);
          for (const [remoteAddr, source] of Object.entries(want as Record<string, string>)) {
            const req = { url: '/', method: 'GET', headers: {} } as unknown as IncomingMessage;
            assert.equal(extract(new Exchange(req, {} as ServerResponse, 'web', remoteAddr, false, 0n)), source);
          }
        } else {
          assert.fail(`unchecked expectation ${key}`);
        }
      }
      passed++;
    });
  }
});

describe('rateLimit over sockets', () => {
  test('burst passes, then 429 with Retry-After, X-Retry-In and Traefik’s body', async () => {
    // 1 request per 10s, burst 2: the third request would wait ~10s, far above maxDelay (500ms).
    const [a, b, c] = await serve({ average: 1, period: '10s', burst: 2 }, [{}, {}, {}]);
    assert.deepEqual([a.status, b.status, c.status], [200, 200, 429]);
    assert.equal(c.body, 'Too Many Requests');
    assert.equal(c.headers['retry-after'], '10');
    assert.match(String(c.headers['x-retry-in']), /^9\.\d+s$/);
    assert.equal(c.headers['content-type'], 'text/plain; charset=utf-8');
  });

  test('a request within maxDelay of its token waits for it instead of failing', async () => {
    // 2/s with burst 1: a token every 500ms, maxDelay 250ms. 300ms after the first request the next token is
    // ~200ms away (less if the timer fires late, which the margin below tolerates up to 150ms): served, late.
    const mw = await buildMiddleware(plugin, { average: 2, burst: 1 });
    const upstream = fakeUpstream({ status: 200 });
    const h = await startHarness({ middlewares: mw, terminal: upstream.handler });
    try {
      assert.equal((await h.request()).status, 200);
      await new Promise((r) => setTimeout(r, 300));
      const started = performance.now();
      assert.equal((await h.request()).status, 200);
      assert.ok(performance.now() - started >= 50, 'the second request was held until its token');
    } finally {
      await h.close();
    }
  });

  test('sources are counted apart (requestHeaderName)', async () => {
    const cfg = { average: 1, period: '1m', burst: 1, sourceCriterion: { requestHeaderName: 'X-Api-Key' } };
    const statuses = (await serve(cfg, [{ headers: { 'x-api-key': 'a' } }, { headers: { 'x-api-key': 'b' } }, { headers: { 'x-api-key': 'a' } }])).map((r) => r.status);
    assert.deepEqual(statuses, [200, 200, 429]);
  });

  test('sources are counted apart (ipStrategy depth over X-Forwarded-For)', async () => {
    const cfg = { average: 1, period: '1m', burst: 1, sourceCriterion: { ipStrategy: { depth: 1 } } };
    const xff = (ip: string) => ({ headers: { 'x-forwarded-for': `198.51.100.7, ${ip}` } });
    const statuses = (await serve(cfg, [xff('10.0.0.1'), xff('10.0.0.2'), xff('10.0.0.1')])).map((r) => r.status);
    assert.deepEqual(statuses, [200, 200, 429]);
  });

  test('buckets survive a configuration reload (same element state)', async () => {
    const store = new Map<string, unknown>();
    const cfg = { average: 1, period: '1m', burst: 2 };
    assert.deepEqual((await serve(cfg, [{}, {}], store)).map((r) => r.status), [200, 200]);
    // The new generation of the same element sees the drained bucket.
    assert.deepEqual((await serve({ ...cfg, burst: 3 }, [{}], store)).map((r) => r.status), [429]);
    // A different element (fresh state) starts full.
    assert.deepEqual((await serve(cfg, [{}])).map((r) => r.status), [200]);
  });
});

describe('rateLimit configuration errors', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; path: string; message: RegExp }> = [
    { desc: 'redis is rejected until supported', config: { average: 10, redis: { endpoints: ['127.0.0.1:6379'] } }, path: 'redis', message: /not supported yet/ },
    { desc: 'negative period', config: { average: 10, period: '-1s' }, path: 'period', message: /negative value not valid for period/ },
    { desc: 'mutually exclusive criteria', config: { average: 10, sourceCriterion: { requestHost: true, requestHeaderName: 'X' } }, path: 'sourceCriterion', message: /mutually exclusive/ },
    { desc: 'invalid ipv6Subnet', config: { average: 10, sourceCriterion: { ipStrategy: { ipv6Subnet: 129 } } }, path: 'sourceCriterion.ipStrategy.ipv6Subnet', message: /invalid IPv6 subnet/ },
    { desc: 'criteria are checked even without a limit (as Traefik builds the extractor first)', config: { sourceCriterion: { ipStrategy: {}, requestHost: true } }, path: 'sourceCriterion', message: /mutually exclusive/ },
    { desc: 'unknown key', config: { average: 10, brust: 3 }, path: 'brust', message: /did you mean "burst"/ },
    { desc: 'invalid duration', config: { average: 10, period: 'soon' }, path: 'period', message: /invalid duration/ },
    { desc: 'fractional average', config: { average: 1.5 }, path: 'average', message: /whole number/ },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const err = await configErrorOf(plugin, c.config);
      assert.ok(err !== undefined, 'configuration must be rejected');
      assert.equal(err.path, c.path);
      assert.match(err.message, c.message);
    });
  }
});
