import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smoothWeightedPicker } from '../../src/service/wrr.js';

test('weighted round robin', () => {
  const cases = [
    { desc: 'equal weights alternate', items: ['a', 'b'], weights: [1, 1], picks: 4, want: 'abab' },
    { desc: '3:1 interleaves smoothly', items: ['a', 'b'], weights: [3, 1], picks: 8, want: 'aabaaaba' },
    { desc: 'weight 0 never picked', items: ['a', 'b', 'c'], weights: [1, 0, 1], picks: 4, want: 'acac' },
    { desc: 'single server', items: ['a'], weights: [1], picks: 3, want: 'aaa' },
    { desc: 'all weights 0: nothing', items: ['a', 'b'], weights: [0, 0], picks: 2, want: '' },
    { desc: 'no servers: nothing', items: [], weights: [], picks: 2, want: '' },
    { desc: 'an unusable candidate is skipped, its share goes to the others', items: ['a', 'b', 'c'], weights: [1, 5, 1], picks: 4, want: 'acac', down: [1] },
  ];
  for (const c of cases) {
    const down = new Set((c as { down?: number[] }).down ?? []);
    const pick = smoothWeightedPicker(c.items.length, (i) => c.weights[i], (i) => !down.has(i));
    let got = '';
    for (let i = 0; i < c.picks; i++) {
      const k = pick();
      got += k === -1 ? '' : c.items[k];
    }
    assert.equal(got, c.want, c.desc);
  }
});
