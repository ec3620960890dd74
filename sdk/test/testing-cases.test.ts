import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareHeaders, normalizeCases, runCase, runCases, type Case } from '../src/testing/index.js';
import plugins, { tagger } from './fixtures/testing/plugins.js';

// The runner itself: every case of the file becomes a subtest named by its `name`.
runCases(new URL('./fixtures/testing/cases.yaml', import.meta.url), plugins, { type: 'tagger' });
runCases([{ name: 'a parsed document works too', config: { tag: 'p' }, expect: { status: 200, upstream: { headers: { 'x-tag': 'p' } } } }], tagger, { title: 'parsed cases' });

describe('runCase reports each mismatch', () => {
  const base = { name: 'm', config: { tag: 't' } };
  const mismatchCases: Array<{ desc: string; c: Case; contains: string }> = [
    { desc: 'status', c: { ...base, expect: { status: 201 } }, contains: 'status 200, expected 201' },
    { desc: 'absent header that is present', c: { ...base, expect: { headers: { 'x-tagged': null } } }, contains: 'response header x-tagged: "t", expected absent' },
    { desc: 'missing header', c: { ...base, expect: { headers: { 'x-nope': 'v' } } }, contains: 'response header x-nope: absent' },
    { desc: 'body', c: { ...base, upstream: { body: 'a' }, expect: { body: 'b' } }, contains: 'body "a", expected "b"' },
    { desc: 'upstream path', c: { ...base, request: { path: '/x' }, expect: { upstream: { path: '/y' } } }, contains: 'upstream path "/x", expected "/y"' },
    { desc: 'upstream called when it should not be', c: { ...base, expect: { upstream: null } }, contains: 'the upstream was called' },
    { desc: 'upstream not called', c: { ...base, config: { tag: 't', answer: 401 }, expect: { upstream: { path: '/' } } }, contains: 'the upstream was not called (the chain answered 401)' },
    { desc: 'config accepted though an error was expected', c: { ...base, expect: { configError: 'x' } }, contains: 'expected the configuration to be refused' },
    { desc: 'config error at another path', c: { ...base, config: { tag: 'bad' }, expect: { configError: { path: 'other' } } }, contains: 'configError: path "tag", expected "other"' },
    { desc: 'config refused though a response was expected', c: { ...base, config: { tag: 'bad' }, expect: { status: 200 } }, contains: 'the configuration was refused: tag: tag cannot be "bad"' },
  ];
  for (const m of mismatchCases) {
    test(m.desc, async () => {
      const out = await runCase(m.c, tagger);
      assert.ok(out.some((line) => line.includes(m.contains)), `got ${JSON.stringify(out)}`);
    });
  }
});

describe('the cases format is checked strictly', () => {
  const formatCases: Array<{ desc: string; doc: unknown; error: RegExp }> = [
    { desc: 'a typo in a case key', doc: [{ name: 'a', expects: {} }], error: /\[0\] \(a\)\.expects: unknown key/ },
    { desc: 'a typo in expect', doc: [{ name: 'a', expect: { stauts: 200 } }], error: /expect\.stauts: unknown key/ },
    { desc: 'a typo in expect.upstream', doc: [{ name: 'a', expect: { upstream: { pth: '/' } } }], error: /expect\.upstream\.pth: unknown key/ },
    { desc: 'a case without a name', doc: [{ expect: {} }], error: /\[0\]\.name: required/ },
    { desc: 'a case without expect', doc: [{ name: 'a' }], error: /expect: required/ },
    { desc: 'two cases with the same name', doc: [{ name: 'a', expect: {} }, { name: 'a', expect: {} }], error: /two cases are named "a"/ },
    { desc: 'neither a list nor {cases}', doc: { tests: [] }, error: /expected a list of cases/ },
  ];
  for (const f of formatCases) test(f.desc, () => assert.throws(() => normalizeCases(f.doc), f.error));

  test('defaults merge one level deep', () => {
    const [c] = normalizeCases({ defaults: { config: { tag: 'd' }, request: { method: 'PUT', headers: { a: '1' } } }, cases: [{ name: 'x', request: { headers: { b: '2' } }, expect: {} }] });
    assert.deepEqual(c.config, { tag: 'd' });
    assert.deepEqual(c.request, { method: 'PUT', headers: { a: '1', b: '2' } });
  });
});

describe('compareHeaders', () => {
  const headerCases: Array<{ desc: string; actual: Record<string, string | string[]>; want: Record<string, string | number | string[] | null>; mismatches: number }> = [
    { desc: 'names compare case-insensitively', actual: { 'x-a': '1' }, want: { 'X-A': '1' }, mismatches: 0 },
    { desc: 'numbers compare as text', actual: { 'content-length': '5' }, want: { 'Content-Length': 5 }, mismatches: 0 },
    { desc: 'null means absent', actual: {}, want: { 'x-a': null }, mismatches: 0 },
    { desc: 'a list matches repeated values', actual: { 'set-cookie': ['a=1', 'b=2'] }, want: { 'set-cookie': ['a=1', 'b=2'] }, mismatches: 0 },
    { desc: 'a list matches a joined value', actual: { vary: 'Accept, Origin' }, want: { vary: ['Accept', 'Origin'] }, mismatches: 0 },
    { desc: 'a different value', actual: { 'x-a': '1' }, want: { 'x-a': '2' }, mismatches: 1 },
  ];
  for (const h of headerCases) test(h.desc, () => assert.equal(compareHeaders('h', h.actual, h.want).length, h.mismatches));
});
