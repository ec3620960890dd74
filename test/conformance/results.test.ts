// Result accounting: counts, report text, thresholds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { passRate, Tally, thresholdMisses, type Outcome } from './results.js';

function tallyOf(rows: [string, Outcome, string?][]): Tally {
  const t = new Tally();
  rows.forEach(([group, outcome, reason], i) => t.add({ id: `c${i}`, desc: `case ${i}`, group, outcome, reason }));
  return t;
}

describe('Tally', () => {
  test('report leads with the summary line and lists failures and not-runnable cases with reasons', () => {
    const t = tallyOf([
      ['rules.json', 'pass'],
      ['rules.json', 'pass'],
      ['rules.json', 'fail', 'got 404'],
      ['rules.json', 'notRunnable', 'remoteAddr 10.0.0.1'],
    ]);
    const lines = t.report('rules.json').split('\n');
    assert.equal(lines[0], 'rules.json: 2 passed, 1 failed, 1 not runnable');
    assert.ok(lines.includes('failures (1):'));
    assert.ok(lines.includes('  c2 — case 2'));
    assert.ok(lines.includes('      got 404'));
    assert.ok(lines.includes('not runnable here (1):'));
  });

  test('per-group lines when several groups, other outcomes only when present', () => {
    const t = tallyOf([
      ['stripPrefix', 'pass'],
      ['compress', 'notImplemented'],
      ['rateLimit', 'component'],
    ]);
    const lines = t.report('middlewares.json').split('\n');
    assert.equal(lines[0], 'middlewares.json: 1 passed, 0 failed, 0 not runnable, 1 not implemented yet, 1 component (checked by unit tests)');
    assert.equal(lines[1], '  stripPrefix: 1 passed, 0 failed, 0 not runnable');
    assert.equal(lines[2], '  compress: 0 passed, 0 failed, 0 not runnable, 1 not implemented yet');
  });
});

describe('thresholds', () => {
  test('pass rate counts only cases that ran; none ran = 1', () => {
    assert.equal(passRate({ pass: 3, fail: 1, notRunnable: 5, notImplemented: 2, component: 1 }), 0.75);
    assert.equal(passRate({ pass: 0, fail: 0, notRunnable: 5, notImplemented: 0, component: 0 }), 1);
  });

  test('misses name the group, rate and threshold; met thresholds and unknown groups give none', () => {
    const t = tallyOf([
      ['a', 'pass'],
      ['a', 'fail'],
      ['b', 'pass'],
    ]);
    assert.deepEqual(
      thresholdMisses(t, [
        { group: 'a', rate: 0.95, label: 'group a' },
        { group: 'b', rate: 1, label: 'group b' },
        { group: 'missing', rate: 1, label: 'missing' },
      ]),
      ['group a: 50.0 % of 2 runnable cases passed, threshold 95 %'],
    );
    assert.equal(thresholdMisses(t, [{ rate: 0.6, label: 'all' }]).length, 0);
  });
});
