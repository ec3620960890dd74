import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '../../src/schema/decode.js';
import { s } from '../../src/schema/types.js';
import { parseDuration } from '../../src/config/duration.js';

const schema = s.object({
  name: s.string(),
  count: s.optional(s.integer({ minimum: 1 })),
  enabled: s.boolean({ default: false }),
  tags: s.optional(s.array(s.string())),
  mode: s.optional(s.enumOf(['fast', 'safe'])),
  timeout: s.optional(s.duration()),
  nested: s.optional(s.object({ depth: s.integer({ default: 0 }) })),
  labels: s.optional(s.record(s.string())),
});

test('decode: values, coercion and defaults', () => {
  const cases = [
    { desc: 'exact keys', raw: { name: 'a', count: 2 }, want: { name: 'a', count: 2, enabled: false } },
    { desc: 'case-insensitive keys', raw: { NAME: 'a', Enabled: true }, want: { name: 'a', enabled: true } },
    { desc: 'strings coerce (flags/env)', raw: { name: 'a', count: '3', enabled: 'true', tags: 'x, y' }, want: { name: 'a', count: 3, enabled: true, tags: ['x', 'y'] } },
    { desc: 'enum case-insensitive', raw: { name: 'a', mode: 'FAST' }, want: { name: 'a', enabled: false, mode: 'fast' } },
    { desc: 'nested default', raw: { name: 'a', nested: null }, want: { name: 'a', enabled: false, nested: { depth: 0 } } },
    { desc: 'record keeps user keys', raw: { name: 'a', labels: { MyKey: 'v' } }, want: { name: 'a', enabled: false, labels: { MyKey: 'v' } } },
    { desc: 'indexed map becomes a list', raw: { name: 'a', tags: { 1: 'b', 0: 'a' } }, want: { name: 'a', enabled: false, tags: ['a', 'b'] } },
  ];
  for (const c of cases) {
    const { value, issues } = decode(schema, c.raw);
    assert.deepEqual(issues, [], c.desc);
    assert.deepEqual(value, c.want, c.desc);
  }
});

test('decode: every problem with its path', () => {
  const cases = [
    { desc: 'unknown key with suggestion', raw: { name: 'a', cuont: 1 }, want: [{ path: 'x.cuont', message: /unknown key "cuont" \(did you mean "count"\?\)/ }] },
    { desc: 'missing required', raw: {}, want: [{ path: 'x.name', message: /is required/ }] },
    { desc: 'wrong type', raw: { name: 'a', count: 'many' }, want: [{ path: 'x.count', message: /expected a number/ }] },
    { desc: 'below minimum', raw: { name: 'a', count: 0 }, want: [{ path: 'x.count', message: /must be >= 1/ }] },
    { desc: 'bad enum', raw: { name: 'a', mode: 'slow' }, want: [{ path: 'x.mode', message: /must be one of "fast", "safe"/ }] },
    { desc: 'bad duration', raw: { name: 'a', timeout: '10 parsecs' }, want: [{ path: 'x.timeout', message: /invalid duration/ }] },
    { desc: 'list element', raw: { name: 'a', tags: ['ok', { no: 1 }] }, want: [{ path: 'x.tags[1]', message: /expected a string/ }] },
    { desc: 'two problems at once', raw: { name: 1n as unknown as string, bogus: 1 }, want: [{ path: 'x.name', message: /expected a string/ }, { path: 'x.bogus', message: /unknown key/ }] },
  ];
  for (const c of cases) {
    const { issues } = decode(schema, c.raw, 'x');
    assert.equal(issues.length, c.want.length, `${c.desc}: ${JSON.stringify(issues)}`);
    for (const w of c.want) {
      const found = issues.find((i) => i.path === w.path);
      assert.ok(found, `${c.desc}: no issue at ${w.path} in ${JSON.stringify(issues)}`);
      assert.match(found.message, w.message, c.desc);
    }
  }
});

test('parseDuration: Go durations and bare seconds', () => {
  const cases: [string | number, number][] = [['10s', 10_000], ['250ms', 250], ['1h30m', 5_400_000], ['50us', 0.05], ['1.5s', 1500], [3, 3000], ['3', 3000], ['0', 0], ['-1s', -1000]];
  for (const [input, want] of cases) assert.equal(parseDuration(input), want, String(input));
  for (const bad of ['', '10', 'abc', '10x', '1h 2m'].filter((b) => b !== '10')) assert.throws(() => parseDuration(bad), /invalid duration/, bad);
});
