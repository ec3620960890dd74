import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Breaker } from '../src/breaker.js';
import { parseExpression } from '../src/expression.js';
import { RoundTripMetrics } from '../src/metrics.js';

/** A clock the test moves by hand (milliseconds). */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

function breakerWith(expr: string, clock: ReturnType<typeof manualClock>) {
  return new Breaker({ condition: parseExpression(expr), checkPeriodMs: 100, fallbackDurationMs: 10_000, recoveryDurationMs: 10_000, clock: clock.now });
}

describe('circuitBreaker state machine', () => {
  test('standby → tripped when the condition holds at a check, and the metrics are reset', () => {
    const clock = manualClock();
    const b = breakerWith('NetworkErrorRatio() > 0.5', clock);
    b.record(200, 1);
    assert.equal(b.state, 'standby');
    clock.advance(101);
    b.record(502, 1);
    b.record(502, 1); // within the check period: not evaluated yet
    assert.equal(b.state, 'standby');
    clock.advance(101);
    b.record(504, 1);
    assert.equal(b.state, 'tripped');
    assert.equal(b.metrics.totalCount(), 0);
  });

  test('tripped answers the fallback for fallbackDuration, then recovers progressively, then standby', () => {
    const clock = manualClock();
    const b = breakerWith('NetworkErrorRatio() > 0.5', clock);
    b.record(502, 1);
    assert.equal(b.state, 'tripped');
    clock.advance(9_999);
    assert.equal(b.shouldFallback(), true);
    clock.advance(2);
    // Recovery starts: the allowed share grows from 0 to 0.5 over recoveryDuration.
    assert.equal(b.shouldFallback(), true, 'at the start of recovery nothing is let through');
    assert.equal(b.state, 'recovering');
    const shareLetThrough = (n: number) => {
      let allowed = 0;
      for (let i = 0; i < n; i++) if (!b.shouldFallback()) allowed++;
      return allowed / n;
    };
    clock.advance(5_000);
    const midway = shareLetThrough(100);
    assert.ok(midway > 0 && midway <= 0.5, `about a quarter let through midway, got ${midway}`);
    clock.advance(5_001);
    assert.equal(b.shouldFallback(), false);
    assert.equal(b.state, 'standby');
  });

  test('the condition holding again while recovering trips the breaker again', () => {
    const clock = manualClock();
    const b = breakerWith('ResponseCodeRatio(500, 600, 0, 600) > 0.5', clock);
    b.record(500, 1);
    assert.equal(b.state, 'tripped');
    clock.advance(10_001);
    b.shouldFallback();
    assert.equal(b.state, 'recovering');
    clock.advance(200);
    b.record(503, 1);
    assert.equal(b.state, 'tripped');
  });

  test('no check while tripped: records do not extend the fallback', () => {
    const clock = manualClock();
    const b = breakerWith('NetworkErrorRatio() > 0.5', clock);
    b.record(502, 1);
    clock.advance(5_000);
    b.record(502, 1);
    clock.advance(5_001);
    assert.equal(b.shouldFallback(), true, 'recovering, nothing allowed yet');
    assert.equal(b.state, 'recovering');
  });
});

describe('circuitBreaker metrics', () => {
  test('counts fall out of the 10-second window', () => {
    const clock = manualClock(0);
    const m = new RoundTripMetrics(clock.now);
    m.record(502, 1);
    clock.advance(5_000);
    m.record(200, 1);
    assert.equal(m.networkErrorRatio(), 0.5);
    clock.advance(5_500);
    assert.equal(m.networkErrorRatio(), 0, 'the 502 is older than 10 s');
    assert.equal(m.totalCount(), 1);
  });

  test('ResponseCodeRatio: [from, to) over [dividedByFrom, dividedByTo), 0 without a divisor', () => {
    const m = new RoundTripMetrics(manualClock().now);
    assert.equal(m.responseCodeRatio(500, 600, 0, 600), 0);
    for (const code of [200, 200, 404, 500, 503]) m.record(code, 1);
    assert.equal(m.responseCodeRatio(500, 600, 0, 600), 2 / 5);
    assert.equal(m.responseCodeRatio(500, 600, 200, 300), 1);
    assert.equal(m.responseCodeRatio(400, 500, 600, 700), 0);
  });

  test('LatencyAtQuantileMS: the quantile of recorded latencies in whole milliseconds', () => {
    const m = new RoundTripMetrics(manualClock().now);
    assert.equal(m.latencyAtQuantileMS(50), 0);
    for (let i = 1; i <= 100; i++) m.record(200, i);
    const median = m.latencyAtQuantileMS(50.0);
    assert.ok(median >= 49 && median <= 51, `median ≈ 50 ms, got ${median}`);
    const p99 = m.latencyAtQuantileMS(99.0);
    assert.ok(p99 >= 98 && p99 <= 100, `p99 ≈ 99 ms, got ${p99}`);
  });
});
