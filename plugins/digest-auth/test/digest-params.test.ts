import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { digestAuthParams, parseList } from '../src/digest-params.js';
import { NonceStore, parseNonceCount } from '../src/nonce-store.js';

describe('parseList (go-http-auth ParseList)', () => {
  const cases: Array<{ desc: string; input: string; want: string[] }> = [
    { desc: 'plain elements, trimmed', input: 'a, b ,c', want: ['a', 'b', 'c'] },
    { desc: 'comma inside quotes does not split', input: 'a="x,y", b', want: ['a="x,y"', 'b'] },
    { desc: 'backslash escape inside quotes', input: 'a="x\\"y", b', want: ['a="x"y"', 'b'] },
    { desc: 'empty element kept', input: 'a,,b', want: ['a', '', 'b'] },
    { desc: 'empty input', input: '', want: [] },
  ];
  for (const c of cases) test(c.desc, () => assert.deepEqual(parseList(c.input), c.want));
});

describe('digestAuthParams', () => {
  const cases: Array<{ desc: string; header: string | undefined; want: Record<string, string> | null }> = [
    { desc: 'absent header', header: undefined, want: null },
    { desc: 'Basic scheme', header: 'Basic dGVzdDp0ZXN0', want: null },
    { desc: 'scheme is case-sensitive', header: 'digest username="a"', want: null },
    { desc: 'no space after the scheme', header: 'Digest', want: null },
    { desc: 'quoted and token values', header: 'Digest username="a b", qop=auth, nc=00000001', want: { username: 'a b', qop: 'auth', nc: '00000001' } },
    { desc: 'key without value', header: 'Digest stale, x=', want: { stale: '', x: '' } },
    { desc: 'uri with a comma in quotes', header: 'Digest uri="/a,b", nonce="n"', want: { uri: '/a,b', nonce: 'n' } },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const got = digestAuthParams(c.header);
      assert.deepEqual(got === null ? null : Object.fromEntries(got), c.want);
    });
  }
});

describe('parseNonceCount (strconv.ParseUint(nc, 16, 64))', () => {
  const cases: Array<{ input: string | undefined; want: bigint | null }> = [
    { input: '00000001', want: 1n },
    { input: 'ff', want: 255n },
    { input: 'FFFFFFFFFFFFFFFF', want: 2n ** 64n - 1n },
    { input: '10000000000000000', want: null },
    { input: '0x1', want: null },
    { input: '', want: null },
    { input: undefined, want: null },
    { input: '-1', want: null },
  ];
  for (const c of cases) test(`${String(c.input)} → ${String(c.want)}`, () => assert.equal(parseNonceCount(c.input), c.want));
});

describe('NonceStore', () => {
  test('issued nonces are accepted with growing counts only', () => {
    const store = new NonceStore();
    const nonce = store.issue();
    assert.equal(store.use('unknown', 1n), 'unknown');
    assert.equal(store.use(nonce, 1n), 'ok');
    assert.equal(store.use(nonce, 1n), 'replayed');
    assert.equal(store.use(nonce, 3n), 'ok');
    assert.equal(store.use(nonce, 2n), 'replayed');
  });

  test('past size + tolerance, the least recently used nonces are purged', () => {
    const store = new NonceStore(4, 1);
    const nonces = Array.from({ length: 6 }, () => store.issue());
    assert.equal(store.count, 6);
    store.use(nonces[0], 1n); // the oldest becomes the most recently used
    const fresh = store.issue(); // 6 > 5: purge 2 least recently used (nonces[1], nonces[2])
    assert.equal(store.count, 5);
    assert.equal(store.use(nonces[1], 1n), 'unknown');
    assert.equal(store.use(nonces[2], 1n), 'unknown');
    assert.equal(store.use(nonces[0], 2n), 'ok');
    assert.equal(store.use(fresh, 1n), 'ok');
  });
});
