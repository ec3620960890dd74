import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Aggregator } from '../../src/watcher/aggregator.js';
import type { ProviderSnapshot } from '../../src/plugin/types.js';

const snap = (n: number): ProviderSnapshot => ({ config: { http: { routers: { [`r${n}`]: {} } } } });

test('aggregator: identical snapshots are applied once', async () => {
  const applied: number[] = [];
  const agg = new Aggregator(0, async (s) => void applied.push(s.size));
  agg.push('file', snap(1));
  agg.push('file', snap(1));
  await agg.settled();
  agg.push('file', snap(1));
  await agg.settled();
  assert.deepEqual(applied, [1]);
  agg.stop();
});

test('aggregator: a burst within the throttle window is applied once, with the newest data', async () => {
  const seen: string[] = [];
  const agg = new Aggregator(100, async (s) => void seen.push(Object.keys((s.get('file')!.config.http as { routers: object }).routers)[0]));
  agg.push('file', snap(1));
  await agg.settled();
  for (let i = 2; i <= 5; i++) agg.push('file', snap(i));
  await agg.settled();
  assert.deepEqual(seen, ['r1', 'r5']);
  agg.stop();
});

test('aggregator: applies never overlap and merge providers in the given order', async () => {
  let running = 0;
  let maxRunning = 0;
  const orders: string[][] = [];
  const agg = new Aggregator(
    0,
    async (s) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      orders.push([...s.keys()]);
      await new Promise((r) => setTimeout(r, 20));
      running--;
    },
    ['redis', 'file'],
  );
  agg.push('file', snap(1));
  agg.push('redis', snap(2));
  await new Promise((r) => setTimeout(r, 5));
  agg.push('file', snap(3));
  await agg.settled();
  assert.equal(maxRunning, 1);
  assert.deepEqual(orders.at(-1), ['redis', 'file']);
  agg.stop();
});
