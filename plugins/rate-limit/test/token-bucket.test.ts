import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '@portico/sdk';
import { idleExpiryMs, limitsFor, newBucket, reserve, type Limits } from '../src/token-bucket.js';
import { BucketStore } from '../src/bucket-store.js';
import { goDuration } from '../src/go-duration.js';

const ns = (d: string) => Math.round(parseDuration(d) * 1e6);

describe('limitsFor (Traefik ratelimiter.New parameters)', () => {
  const cases: Array<{ desc: string; average: number; period: string; burst: number; want: Limits | null }> = [
    { desc: 'average 0: no limit (rate.Inf)', average: 0, period: '1s', burst: 10, want: null },
    { desc: 'negative average: no limit either', average: -5, period: '1s', burst: 10, want: null },
    { desc: 'maxDelay 1/(2·rate): 200/s → 2500us', average: 200, period: '1s', burst: 10, want: { limit: 200, burst: 10, maxDelayNs: ns('2500us') } },
    { desc: 'rate below 1/s: maxDelay capped at 500ms', average: 1, period: '10s', burst: 1, want: { limit: 0.1, burst: 1, maxDelayNs: ns('500ms') } },
    { desc: 'fractional rate truncated in maxDelay (1.5/s → 1/(2·1))', average: 3, period: '2s', burst: 1, want: { limit: 1.5, burst: 1, maxDelayNs: ns('500ms') } },
    { desc: 'period in minutes', average: 120, period: '1m', burst: 1, want: { limit: 2, burst: 1, maxDelayNs: ns('250ms') } },
    { desc: 'burst 0 counts as 1', average: 100, period: '1s', burst: 0, want: { limit: 100, burst: 1, maxDelayNs: ns('5ms') } },
  ];
  for (const c of cases) test(c.desc, () => assert.deepEqual(limitsFor(c.average, ns(c.period), c.burst), c.want));
});

describe('reserve (x/time/rate Reserve + Cancel above maxDelay)', () => {
  // 10 tokens/s, bucket of 2, maxDelay 50ms. Each step: time (ms) → expected delay (ns), and whether allowed.
  const limits: Limits = { limit: 10, burst: 2, maxDelayNs: 50e6 };
  const steps: Array<{ desc: string; at: number; delayNs: number; allowed: boolean; tokensAfter: number }> = [
    { desc: 'full bucket: first token', at: 0, delayNs: 0, allowed: true, tokensAfter: 1 },
    { desc: 'second token (burst 2)', at: 0, delayNs: 0, allowed: true, tokensAfter: 0 },
    { desc: 'empty: next token in 100ms > maxDelay → refused, token restored', at: 0, delayNs: 100e6, allowed: false, tokensAfter: 0 },
    { desc: '60ms later: 0.6 token, wait 40ms ≤ 50ms → allowed (goes negative)', at: 60, delayNs: 40e6, allowed: true, tokensAfter: -0.4 },
    { desc: 'same instant: would wait 140ms → refused', at: 60, delayNs: 140e6, allowed: false, tokensAfter: -0.4 },
    { desc: '1s later: refilled up to burst only', at: 1060, delayNs: 0, allowed: true, tokensAfter: 1 },
  ];
  const b = newBucket(limits, 0);
  for (const s of steps) {
    test(s.desc, () => {
      const delay = reserve(b, limits, s.at);
      assert.equal(delay, s.delayNs);
      assert.equal(delay <= limits.maxDelayNs, s.allowed);
      assert.ok(Math.abs(b.tokens - s.tokensAfter) < 1e-9, `tokens ${b.tokens}`);
    });
  }

  test('durations are whole nanoseconds, truncated as Go does', () => {
    const l: Limits = { limit: 3, burst: 1, maxDelayNs: 0 };
    const bucket = newBucket(l, 0);
    reserve(bucket, l, 0);
    assert.equal(reserve(bucket, l, 0), 333333333);
  });

  test('a reload that changes the rate refills at the old rate up to now, then uses the new one', () => {
    const slow: Limits = { limit: 1, burst: 5, maxDelayNs: 500e6 };
    const fast: Limits = { limit: 100, burst: 5, maxDelayNs: 5e6 };
    const bucket = newBucket(slow, 0);
    for (let i = 0; i < 5; i++) reserve(bucket, slow, 0);
    // 500ms at 1/s refilled 0.5 token (at 100/s it would be full): the missing half comes in 5ms at the new rate.
    assert.equal(reserve(bucket, fast, 500), 5_000_000);
    assert.equal(bucket.limit, 100);
  });
});

describe('idleExpiryMs', () => {
  const cases: Array<[string, Limits, number]> = [
    ['fast source: at least 1s', { limit: 100, burst: 1, maxDelayNs: 5e6 }, 1000],
    ['large burst: until refilled', { limit: 10, burst: 100, maxDelayNs: 50e6 }, 10100],
    ['slow rate', { limit: 0.1, burst: 1, maxDelayNs: 500e6 }, 20000],
  ];
  for (const [desc, limits, want] of cases) test(desc, () => assert.equal(idleExpiryMs(limits), want));
});

describe('BucketStore', () => {
  const limits: Limits = { limit: 1, burst: 1, maxDelayNs: 500e6 };
  test('keeps one bucket per source and returns the same one', () => {
    const store = new BucketStore();
    const a = store.get('a', limits, 0, 2000);
    assert.equal(store.get('a', limits, 10, 2000), a);
    assert.notEqual(store.get('b', limits, 10, 2000), a);
    assert.equal(store.size, 2);
  });
  test('an idle bucket is replaced by a full one after idleMs', () => {
    const store = new BucketStore();
    const a = store.get('a', limits, 0, 2000);
    reserve(a, limits, 0);
    const again = store.get('a', limits, 2001, 2000);
    assert.notEqual(again, a);
    assert.equal(again.tokens, 1);
  });
  test('expired buckets are swept from the least recently used end', () => {
    const store = new BucketStore();
    store.get('old1', limits, 0, 1000);
    store.get('old2', limits, 0, 1000);
    store.get('fresh', limits, 1500, 1000);
    store.get('fresh', limits, 1600, 1000);
    assert.equal(store.has('old1'), false);
    assert.equal(store.has('old2'), false);
    assert.equal(store.size, 1);
  });
  test('past the source cap the least recently used source is evicted', () => {
    const store = new BucketStore(2);
    store.get('a', limits, 0, 1e9);
    store.get('b', limits, 1, 1e9);
    store.get('a', limits, 2, 1e9); // a becomes most recent
    store.get('c', limits, 3, 1e9);
    assert.deepEqual([store.has('a'), store.has('b'), store.has('c'), store.size], [true, false, true, 2]);
  });
});

describe('goDuration (Go time.Duration.String)', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [1, '1ns'],
    [999, '999ns'],
    [1500, '1.5µs'],
    [2_500_000, '2.5ms'],
    [100_000_000, '100ms'],
    [999_999_999, '999.999999ms'],
    [1_000_000_000, '1s'],
    [9_999_999_000, '9.999999s'],
    [61_500_000_000, '1m1.5s'],
    [3_600_000_000_000, '1h0m0s'],
    [-2_500_000, '-2.5ms'],
  ];
  for (const [v, want] of cases) test(`${v}ns → ${want}`, () => assert.equal(goDuration(v), want));
});
