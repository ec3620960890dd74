// Retry backends: per-attempt answers and the retry-count check, without Portico (requests sent directly).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { headerValues, sendRaw, serializeRequest } from './raw-http.js';
import { durationMs, LoadBalancerCalibration, startRetryBackend } from './retry-backends.js';
import { UpstreamPool } from './upstreams.js';

const pool = new UpstreamPool();
after(() => pool.closeAll());

const get = serializeRequest({ method: 'GET', target: '/ok', headers: [['Host', 'localhost']] });
const portOf = (url: string): number => Number(new URL(url).port);

describe('durationMs', () => {
  for (const [text, ms] of [['50ms', 50], ['2500us', 2.5], ['1s', 1000], [undefined, 0]] as const) {
    test(`${text} → ${ms}`, () => assert.equal(durationMs(text), ms));
  }
  test('rejects what it does not know', () => assert.throws(() => durationMs('1h'), /unsupported duration/));
});

describe('status-only sequence', () => {
  test('one upstream answers attempt k with the k-th status; the hit count is the attempt count', async () => {
    const backend = await startRetryBackend(pool, { attemptSequence: ['503', '200', '403'] }, new LoadBalancerCalibration());
    assert.equal(backend.urls.length, 1);
    assert.equal(await backend.arm(), undefined);
    const first = await sendRaw(portOf(backend.urls[0]), get);
    const second = await sendRaw(portOf(backend.urls[0]), get);
    assert.equal(first.status, 503);
    assert.equal(second.status, 200);
    assert.deepEqual(headerValues(second.headers, 'X-Final'), ['success']);
    assert.equal(backend.checkRetries(1), undefined);
    assert.match(backend.checkRetries(0) ?? '', /2 attempt\(s\), expected 1/);
  });
});

describe('sequence with network errors', () => {
  test('not runnable without a calibrated balancer order', async () => {
    const cal = new LoadBalancerCalibration();
    const backend = await startRetryBackend(pool, { attemptSequence: ['network-error', '200'] }, cal);
    assert.equal(backend.urls.length, 2);
    assert.match((await backend.arm()) ?? '', /no calibration for 2 servers/);
  });

  test('arming closes the slots picked for network errors, in the calibrated order', async () => {
    const cal = new LoadBalancerCalibration();
    // Pretend calibration found the balancer picks server 1 first, then server 0.
    (cal as unknown as { orders: Map<number, number[]> }).orders.set(2, [1, 0]);
    const backend = await startRetryBackend(pool, { attemptSequence: ['network-error', '200'] }, cal);
    assert.equal(await backend.arm(), undefined);
    // Server 1 (first pick) refuses connections; server 0 answers attempt 2.
    await assert.rejects(sendRaw(portOf(backend.urls[1]), get), /ECONNREFUSED/);
    assert.match(backend.checkRetries(1) ?? '', /attempt 2 \(200\) reached its server 0 time/);
    const res = await sendRaw(portOf(backend.urls[0]), get);
    assert.equal(res.status, 200);
    assert.equal(backend.checkRetries(1), undefined);
    assert.match(backend.checkRetries(0) ?? '', /expected 0/);
  });
});
