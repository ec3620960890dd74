// Failover service: switches on the main service's health, back on recovery; fallback health with healthCheck.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFailover } from '../../src/service/failover.js';
import { ServiceConfigError } from '../../src/service/service-build.js';
import { UpstreamError } from '../../src/http/upstream-error.js';
import { ALWAYS_HEALTHY } from '../../src/service/service-status.js';
import { fakeChild, fakeExchange } from './helpers.js';

function setup(opts: { healthCheck?: boolean; mainChecked?: boolean; fallbackChecked?: boolean } = {}) {
  const main = fakeChild('main@file', 'failover.service', { healthChecked: opts.mainChecked ?? true });
  const fallback = fakeChild('spare@file', 'failover.fallback', { healthChecked: opts.fallbackChecked ?? true });
  const built = buildFailover({ service: 'main', fallback: 'spare', healthCheck: opts.healthCheck ? {} : undefined }, main, fallback);
  return { main, fallback, built };
}

describe('failover', () => {
  test('main while healthy, fallback while not, main again after recovery', async () => {
    const { main, fallback, built } = setup();
    await built.handler(fakeExchange());
    main.setHealthy(false);
    await built.handler(fakeExchange());
    await built.handler(fakeExchange());
    main.setHealthy(true);
    await built.handler(fakeExchange());
    assert.deepEqual([main.calls, fallback.calls], [2, 2]);
  });

  test('without healthCheck: the fallback is assumed up and the failover reports no health', async () => {
    const { main, fallback, built } = setup({ fallbackChecked: false });
    assert.equal(built.status, ALWAYS_HEALTHY);
    assert.equal(built.healthChecked, false);
    main.setHealthy(false);
    await built.handler(fakeExchange());
    assert.equal(fallback.calls, 1);
  });

  test('with healthCheck: healthy while main or fallback is; 503 when both are down', async () => {
    const { main, fallback, built } = setup({ healthCheck: true });
    const seen: boolean[] = [];
    built.status.onChange((up) => seen.push(up));
    main.setHealthy(false);
    assert.equal(built.status.healthy(), true);
    fallback.setHealthy(false);
    assert.equal(built.status.healthy(), false);
    await assert.rejects(Promise.resolve(built.handler(fakeExchange())), (err: unknown) => err instanceof UpstreamError && err.status === 503);
    main.setHealthy(true);
    assert.deepEqual(seen, [false, true]);
    await built.handler(fakeExchange());
    assert.equal(main.calls, 1);
  });

  const refused = [
    { description: 'a main service without health checking', opts: { mainChecked: false }, path: 'failover.service' },
    { description: 'with healthCheck, a fallback without health checking', opts: { healthCheck: true, fallbackChecked: false }, path: 'failover.fallback' },
  ];
  for (const c of refused) {
    test(`refuses ${c.description}, at its reference`, () => {
      assert.throws(() => setup(c.opts), (err: unknown) => err instanceof ServiceConfigError && err.path === c.path && /not health-checked/.test(err.message));
    });
  }

  test('close() stops following the main service', async () => {
    const { main, built } = setup();
    built.close();
    main.setHealthy(false);
    await built.handler(fakeExchange());
    assert.equal(main.calls, 1);
  });
});
