// Weighted service: exact weighted split, weight 0, health propagation with healthCheck: {}, sticky cookie.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWeighted } from '../../src/service/weighted.js';
import { ServiceConfigError } from '../../src/service/service-build.js';
import { UpstreamError } from '../../src/http/upstream-error.js';
import { ALWAYS_HEALTHY } from '../../src/service/service-status.js';
import { defaultCookieName } from '../../src/service/sticky-cookie.js';
import type { WeightedConfig } from '../../src/config/dynamic/schema.js';
import { fakeChild, fakeExchange, type FakeChild } from './helpers.js';

function setup(weights: (number | undefined)[], extra: Partial<WeightedConfig> = {}, childOpts: { healthChecked?: boolean } = {}) {
  const children: FakeChild[] = weights.map((_, i) => fakeChild(`c${i}@file`, `weighted.services[${i}].name`, childOpts));
  const cfg: WeightedConfig = { services: weights.map((weight, i) => ({ name: `c${i}`, weight })), ...extra };
  return { children, built: buildWeighted(cfg, children, 'split@file') };
}

async function send(handler: (ex: ReturnType<typeof fakeExchange>) => unknown, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await handler(fakeExchange());
}

describe('weighted split', () => {
  const cases = [
    { description: 'weights 3:1 give exactly 300/100 over 400 requests', weights: [3, 1], n: 400, expected: [300, 100] },
    { description: 'default weight is 1', weights: [undefined, undefined], n: 10, expected: [5, 5] },
    { description: 'weight 0 takes a child out of rotation', weights: [2, 0, 1], n: 30, expected: [20, 0, 10] },
    { description: 'three children 5:3:2', weights: [5, 3, 2], n: 1000, expected: [500, 300, 200] },
  ];
  for (const c of cases) {
    test(c.description, async () => {
      const { children, built } = setup(c.weights);
      await send(built.handler as never, c.n);
      assert.deepEqual(children.map((ch) => ch.calls), c.expected);
    });
  }

  test('smooth: a 1:1 split alternates rather than bursts', async () => {
    const { children, built } = setup([1, 1]);
    const order: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = children.map((c) => c.calls);
      await built.handler(fakeExchange());
      order.push(children.findIndex((c, j) => c.calls !== before[j]));
    }
    assert.deepEqual(order, [0, 1, 0, 1, 0, 1]);
  });

  test('without healthCheck the service reports no health and ignores its children\'s', async () => {
    const { children, built } = setup([1, 1]);
    assert.equal(built.status, ALWAYS_HEALTHY);
    assert.equal(built.healthChecked, false);
    children[0].setHealthy(false);
    await send(built.handler as never, 4);
    assert.deepEqual(children.map((c) => c.calls), [2, 2]);
  });
});

describe('weighted health propagation (healthCheck: {})', () => {
  test('an unhealthy child is skipped, the service stays healthy while one child is, 503 when none is', async () => {
    const { children, built } = setup([1, 1], { healthCheck: {} });
    const seen: boolean[] = [];
    built.status.onChange((up) => seen.push(up));
    assert.equal(built.healthChecked, true);
    assert.equal(built.status.healthy(), true);

    children[0].setHealthy(false);
    await send(built.handler as never, 4);
    assert.deepEqual(children.map((c) => c.calls), [0, 4]);
    assert.equal(built.status.healthy(), true);

    children[1].setHealthy(false);
    assert.equal(built.status.healthy(), false);
    await assert.rejects(Promise.resolve(built.handler(fakeExchange())), (err: unknown) => err instanceof UpstreamError && err.status === 503);

    children[0].setHealthy(true);
    assert.equal(built.status.healthy(), true);
    await send(built.handler as never, 2);
    assert.deepEqual(children.map((c) => c.calls), [2, 4]);
    assert.deepEqual(seen, [false, true], 'listeners hear each flip once');
  });

  test('a child without health checking is refused, at its reference', () => {
    assert.throws(
      () => setup([1, 1], { healthCheck: {} }, { healthChecked: false }),
      (err: unknown) => err instanceof ServiceConfigError && err.path === 'weighted.services[0].name' && /not health-checked/.test(err.message),
    );
  });

  test('close() stops following the children', async () => {
    const { children, built } = setup([1, 1], { healthCheck: {} });
    built.close();
    children[0].setHealthy(false);
    await send(built.handler as never, 2);
    assert.deepEqual(children.map((c) => c.calls), [1, 1]);
  });
});

describe('weighted sticky cookie', () => {
  test('the first answer sets the cookie; a client presenting it stays on that child', async () => {
    const { children, built } = setup([1, 1], { sticky: { cookie: { name: 'lane', httpOnly: true } } });
    const first = fakeExchange();
    await built.handler(first);
    const setCookie = String(first.responseHeaders()['set-cookie']);
    assert.match(setCookie, /^lane=[0-9a-f]{16}; Path=\/; HttpOnly$/);
    const cookie = setCookie.split(';')[0];
    const chosen = children.findIndex((c) => c.calls === 1);
    for (let i = 0; i < 5; i++) {
      const ex = fakeExchange({ cookie: `other=1; ${cookie}` });
      await built.handler(ex);
      assert.equal(ex.responseHeaders()['set-cookie'], undefined, 'a valid cookie is not rewritten');
    }
    assert.equal(children[chosen].calls, 6);
  });

  test('a sticky child that went down is replaced, and the cookie rewritten', async () => {
    const { children, built } = setup([1, 1], { healthCheck: {}, sticky: { cookie: {} } });
    const first = fakeExchange();
    await built.handler(first);
    const cookie = String(first.responseHeaders()['set-cookie']).split(';')[0];
    assert.ok(cookie.startsWith(`${defaultCookieName('split@file')}=`), 'default name derives from the service name');
    const chosen = children.findIndex((c) => c.calls === 1);
    children[chosen].setHealthy(false);
    const ex = fakeExchange({ cookie });
    await built.handler(ex);
    assert.equal(children[1 - chosen].calls, 1);
    assert.notEqual(String(ex.responseHeaders()['set-cookie']).split(';')[0], cookie);
  });
});
