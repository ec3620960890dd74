// The pickers over live server slots: weighted round robin skips servers that are down (and takes them back),
// p2c prefers the less busy of two draws and never draws a server twice.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerSet } from '../../src/service/server-set.js';
import { p2cPicker, wrrPicker } from '../../src/service/server-picker.js';
import type { UpstreamTarget } from '../../src/proxy/upstream-target.js';

const target = (name: string) => ({ url: `http://${name}`, origin: `http://${name}`, host: name, pathPrefix: '', dispatcher: null }) as unknown as UpstreamTarget;

function servers(weights: number[]): ServerSet {
  return new ServerSet(weights.map((_, i) => target(`s${i}`)), weights);
}

function counts(pick: () => number, n: number, size: number): number[] {
  const out = new Array(size).fill(0);
  for (let i = 0; i < n; i++) {
    const k = pick();
    if (k >= 0) out[k]++;
  }
  return out;
}

describe('weighted round robin over available servers', () => {
  const cases = [
    { desc: 'weights 3:1', weights: [3, 1], down: [], want: [75, 25] },
    { desc: 'a server that is down gets nothing, its share goes to the rest', weights: [1, 1, 2], down: [2], want: [50, 50, 0] },
    { desc: 'weight 0 is never picked', weights: [0, 1], down: [], want: [0, 100] },
    { desc: 'single server down: nothing to pick', weights: [1], down: [0], want: [0] },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const set = servers(c.weights);
      for (const i of c.down) set.setActive(i, false);
      assert.deepEqual(counts(wrrPicker(set.slots), 100, c.weights.length), c.want);
    });
  }

  test('smooth interleaving, and a returning server rejoins at once', () => {
    const set = servers([1, 1]);
    const pick = wrrPicker(set.slots);
    assert.deepEqual([pick(), pick(), pick(), pick()], [0, 1, 0, 1]);
    set.setActive(0, false);
    assert.deepEqual([pick(), pick()], [1, 1]);
    set.setActive(0, true);
    assert.deepEqual(counts(pick, 10, 2), [5, 5]);
  });

  test('all down: -1', () => {
    const set = servers([1, 1]);
    set.setActive(0, false);
    set.setPassiveDown(1, true);
    assert.equal(wrrPicker(set.slots)(), -1);
  });
});

describe('power of two choices', () => {
  test('the less busy of the two draws wins', () => {
    const set = servers([1, 1, 1]);
    set.slots[0].inflight = 5;
    set.slots[1].inflight = 1;
    set.slots[2].inflight = 3;
    // random() sequence → ranks: r1 = floor(0.0*3) = 0, r2 = floor(0.5*2) = 1 → shifted to 2... so servers 0 and 2.
    const seq = [0.0, 0.5];
    let k = 0;
    const pick = p2cPicker(set.slots, () => seq[k++ % seq.length]);
    assert.equal(pick(), 2, 'server 2 (3 in flight) beats server 0 (5)');
  });

  test('never returns a busier server when all are drawn over many picks', () => {
    const set = servers([1, 1]);
    set.slots[0].inflight = 4;
    const got = counts(p2cPicker(set.slots), 200, 2);
    assert.deepEqual(got, [0, 200], 'with two servers both are always drawn: the idle one wins');
  });

  test('skips servers that are down or weigh 0; one left is always picked', () => {
    const set = servers([1, 0, 1]);
    set.setActive(0, false);
    assert.deepEqual(counts(p2cPicker(set.slots), 50, 3), [0, 0, 50]);
    set.setActive(2, false);
    assert.equal(p2cPicker(set.slots)(), -1);
  });

  test('spreads evenly when nothing is in flight', () => {
    const set = servers([1, 1, 1, 1]);
    const got = counts(p2cPicker(set.slots), 4000, 4);
    for (const n of got) assert.ok(n > 800 && n < 1200, `roughly a quarter each, got ${got.join(', ')}`);
  });
});

describe('service status', () => {
  test('healthy while one server is up; listeners hear only the flips', () => {
    const set = servers([1, 1]);
    const heard: boolean[] = [];
    const off = set.onChange((h) => heard.push(h));
    set.setActive(0, false);
    assert.equal(set.healthy(), true);
    set.setPassiveDown(1, true);
    assert.equal(set.healthy(), false);
    set.setActive(0, false);
    set.setPassiveDown(1, false);
    set.setActive(0, true);
    off();
    set.setActive(0, false);
    set.setActive(1, false);
    assert.deepEqual(heard, [false, true]);
    assert.deepEqual(set.serverStatus(), { 'http://s0': 'DOWN', 'http://s1': 'DOWN' });
  });
});
