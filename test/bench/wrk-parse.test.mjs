// The wrk report parser, on saved reports. Run: node --test test/bench/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseWrk } from './lib/wrk.mjs';

const fixture = (name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const cases = [
  {
    desc: 'a clean run: totals, percentiles in ms, bytes per response',
    file: 'wrk-latency.txt',
    want: { requests: 79357, seconds: 6, p50: 4270, p99: 53930, errors: 0, non2xx: 0 },
    rps: 79357 / 6,
    bytesPerReq: (14.01 * 1024 * 1024) / 79357,
  },
  {
    desc: 'socket errors and non-2xx answers are counted; µs and s latencies',
    file: 'wrk-errors.txt',
    want: { requests: 76200, seconds: 2, p50: 790, p99: 1_200_000, errors: 6, non2xx: 76200 },
    rps: 38100,
    bytesPerReq: (11.34 * 1024 * 1024) / 76200,
  },
];

for (const c of cases) {
  test(`parseWrk: ${c.desc}`, () => {
    const got = parseWrk(fixture(c.file));
    for (const [k, v] of Object.entries(c.want)) assert.ok(Math.abs(got[k] - v) < 1e-6, `${k}: ${got[k]} ≠ ${v}`);
    assert.ok(Math.abs(got.rps - c.rps) < 1e-6);
    assert.ok(Math.abs(got.bytesPerReq - c.bytesPerReq) < 1e-6);
  });
}

test('parseWrk: output without a latency distribution is refused', () => {
  assert.throws(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused\n'), /unexpected output/);
});
