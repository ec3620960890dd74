/**
 * circuitBreaker end to end: a real failing upstream (nothing listening: connection refused, a 502) trips the
 * breaker, which then answers responseCode without calling the service; configuration errors name their key.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInjector, configErrorOf } from '@portico/sdk/testing';
import { waitFor } from '../../../test/helpers/poll.js';
import plugins from '../src/index.js';

describe('circuitBreaker: trip and fallback', () => {
  test('network errors trip the breaker; it answers responseCode with its status text without calling the service', async () => {
    let failing = true;
    const app = await createInjector(
      { plugin: plugins, config: { expression: 'NetworkErrorRatio() > 0.5', checkPeriod: '10ms', fallbackDuration: '1m', responseCode: 418 } },
      { upstream: () => (failing ? { fail: 'refused' } : { status: 200, body: 'ok' }) },
    );
    try {
      // Poll: each failing request is measured; after a check period the expression is evaluated.
      const tripped = await waitFor(async () => {
        const res = await app.inject();
        return res.status === 418 ? res : false;
      }, { message: 'the breaker answering 418' });
      assert.equal(tripped.text, "I'm a Teapot");
      assert.equal(tripped.upstreamCalls.length, 0, 'the open breaker does not call the service');
      failing = false;
      const again = await app.inject();
      assert.equal(again.status, 418, 'still open for fallbackDuration even though the service is back');
    } finally {
      await app.cleanup();
    }
  });

  test('after fallbackDuration and recoveryDuration traffic flows again', async () => {
    let failing = true;
    const app = await createInjector(
      { plugin: plugins, config: { expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5', checkPeriod: '5ms', fallbackDuration: '50ms', recoveryDuration: '50ms' } },
      { upstream: () => (failing ? { status: 500 } : { status: 200, body: 'ok' }) },
    );
    try {
      await waitFor(async () => (await app.inject()).status === 503, { message: 'the breaker opening' });
      failing = false;
      const res = await waitFor(async () => {
        const r = await app.inject();
        return r.status === 200 ? r : false;
      }, { message: 'traffic flowing again' });
      assert.equal(res.text, 'ok');
      await waitFor(async () => {
        const statuses = await Promise.all([app.inject(), app.inject(), app.inject()]);
        return statuses.every((r) => r.status === 200);
      }, { message: 'every request going through (standby)' });
    } finally {
      await app.cleanup();
    }
  });

  test('a healthy service never trips the breaker', async () => {
    const app = await createInjector({ plugin: plugins, config: { expression: 'NetworkErrorRatio() > 0.5', checkPeriod: '1ms' } }, { upstream: { status: 200 } });
    try {
      for (let i = 0; i < 20; i++) assert.equal((await app.inject()).status, 200);
    } finally {
      await app.cleanup();
    }
  });
});

describe('circuitBreaker: configuration errors', () => {
  const table: { desc: string; config: unknown; path: string; message: RegExp }[] = [
    { desc: 'an invalid expression', config: { expression: 'LatencyAtQuantileMS(50) > 100' }, path: 'expression', message: /invalid expression at offset 20: .*must be a float/ },
    { desc: 'an empty expression', config: { expression: '' }, path: 'expression', message: /empty/ },
    { desc: 'a missing expression', config: {}, path: 'expression', message: /./ },
    { desc: 'a bad duration', config: { expression: 'NetworkErrorRatio() > 0.5', checkPeriod: 'soon' }, path: 'checkPeriod', message: /duration/ },
    { desc: 'an impossible status', config: { expression: 'NetworkErrorRatio() > 0.5', responseCode: 42 }, path: 'responseCode', message: /invalid status code 42/ },
  ];
  for (const row of table) {
    test(row.desc, async () => {
      const err = await configErrorOf({ plugin: plugins, config: row.config });
      assert.ok(err !== undefined, 'the configuration must be refused');
      assert.equal(err.path, row.path);
      assert.match(err.message, row.message);
    });
  }
});
