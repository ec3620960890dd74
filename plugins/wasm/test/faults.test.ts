/**
 * The must-show: a module that loops forever, one that traps and one that grows memory past the cap. Each
 * faulting request answers 500 quickly with the reason logged; the next request is answered normally by a
 * fresh instance.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureHarness } from './helpers/load.js';

const faults = [
  { fixture: 'fault-spin', reason: /fuel exhausted: more than 1000000 loop iterations and calls/, limits: { maxMemoryPages: 256, fuel: 1_000_000 } },
  { fixture: 'fault-trap', reason: /trap: unreachable[^\n]*\(abort: boom at trap\.wat\)/, limits: { maxMemoryPages: 256, fuel: 1_000_000 } },
  { fixture: 'fault-grow', reason: /trap: unreachable/, limits: { maxMemoryPages: 64, fuel: 1_000_000 } },
];

describe('faulty modules fail one request with 500 and the next request is served', () => {
  for (const f of faults) {
    test(`${f.fixture}: 500 with the reason logged, then a normal answer from a new instance`, async () => {
      const rssBefore = process.memoryUsage().rss;
      const { h, upstream, log } = await fixtureHarness(f.fixture, {}, { overrides: { limits: f.limits } });
      try {
        const ok1 = await h.request();
        assert.equal(ok1.status, 200);
        const started = performance.now();
        const bad = await h.request({ headers: { 'x-fault': '1' } });
        const elapsed = performance.now() - started;
        assert.equal(bad.status, 500);
        assert.ok(elapsed < 2000, `the faulting request took ${elapsed} ms`);
        const errors = log.entries.filter((e) => e.level === 'error');
        assert.equal(errors.length, 1);
        assert.match(errors[0].msg, /wasm middleware fault-\w+-element@file \(plugin fault-\w+\) failed: /);
        assert.match(errors[0].msg, f.reason);
        assert.equal(errors[0].fields.element, `${f.fixture}-element@file`);

        const ok2 = await h.request();
        assert.equal(ok2.status, 200);
        assert.equal(upstream.calls.length, 2);
        assert.equal(upstream.calls[1].headers['x-wasm'], 'ok');
        // Faults again, and recovers again: the instance is recreated every time.
        assert.equal((await h.request({ headers: { 'x-fault': '1' } })).status, 500);
        assert.equal((await h.request()).status, 200);
        assert.equal(h.errors.length, 0, 'the chain itself never threw');
        // 64 pages capped = 4 MiB: growth must not have reached anything near the 4 GiB a wasm32 memory allows.
        assert.ok(process.memoryUsage().rss - rssBefore < 256 * 1024 * 1024);
      } finally {
        await h.close();
      }
    });
  }

  test('fuel exhaustion takes a bounded time with the default budget', async () => {
    const { h } = await fixtureHarness('fault-spin');
    try {
      const started = performance.now();
      assert.equal((await h.request({ headers: { 'x-fault': '1' } })).status, 500);
      const ms = performance.now() - started;
      assert.ok(ms < 1000, `10M fuel took ${ms} ms`);
    } finally {
      await h.close();
    }
  });
});
