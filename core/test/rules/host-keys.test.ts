import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostIndexKeys, hostKey } from '../../src/rules/index.js';

test('hostIndexKeys: the exact hosts a rule is limited to', () => {
  const cases: { desc: string; rule: string; syntax?: 'v3' | 'v2'; want: string[] | undefined }[] = [
    { desc: 'one host', rule: 'Host(`A.example.com`)', want: ['a.example.com'] },
    { desc: 'trailing dot dropped', rule: 'Host(`a.example.com.`)', want: ['a.example.com'] },
    { desc: 'and with a path', rule: 'Host(`a.com`) && PathPrefix(`/x`)', want: ['a.com'] },
    { desc: 'or of hosts', rule: 'Host(`a.com`) || Host(`b.com`)', want: ['a.com', 'b.com'] },
    { desc: 'or with a non-host side: any host', rule: 'Host(`a.com`) || PathPrefix(`/x`)', want: undefined },
    { desc: 'and of two hosts: intersection', rule: 'Host(`a.com`) && Host(`b.com`)', want: [] },
    { desc: 'negated host: any host', rule: '!Host(`a.com`)', want: undefined },
    { desc: 'negated or (De Morgan) keeps the positive host', rule: '!(PathPrefix(`/a`) || !Host(`a.com`))', want: ['a.com'] },
    { desc: 'wildcard: not indexed', rule: 'Host(`*.example.com`)', want: undefined },
    { desc: 'HostRegexp: not indexed', rule: 'HostRegexp(`^a\\.com$`)', want: undefined },
    { desc: 'no host matcher', rule: 'PathPrefix(`/`)', want: undefined },
    { desc: 'v2 rules are not indexed', rule: 'Host(`a.com`)', syntax: 'v2', want: undefined },
  ];
  for (const c of cases) {
    const got = hostIndexKeys(c.rule, c.syntax);
    assert.deepEqual(got === undefined ? undefined : [...got].sort(), c.want, c.desc);
  }
});

test('hostKey: lower-cased, trailing dots dropped', () => {
  for (const [input, want] of [['A.COM', 'a.com'], ['a.com.', 'a.com'], ['a.com..', 'a.com'], ['', ''], ['.', '']]) assert.equal(hostKey(input), want, input);
});
