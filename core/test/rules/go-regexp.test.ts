import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileGoRegexp, GoRegexpError } from '../../src/rules/index.js';

describe('Go regexp semantics (MatchString)', () => {
  const cases: { desc: string; pattern: string; input: string; match: boolean }[] = [
    { desc: 'unanchored search', pattern: 'b', input: 'abc', match: true },
    { desc: '^ anchors at the start', pattern: '^b', input: 'abc', match: false },
    { desc: '$ is end of text, not before a final newline', pattern: 'a$', input: 'a\n', match: false },
    { desc: 'empty pattern matches anything', pattern: '', input: 'x', match: true },
    { desc: '(?i) at the start', pattern: '(?i)^example\\.(com|org)$', input: 'EXAMPLE.Org', match: true },
    { desc: 'without (?i) case matters', pattern: '^example$', input: 'Example', match: false },
    { desc: '(?i) folds Kelvin sign to k', pattern: '(?i)k', input: '\u212a', match: true },
    { desc: '(?i) folds long s to s', pattern: '(?i)^s$', input: 'ſ', match: true },
    { desc: '(?i) does not fold dotless i', pattern: '(?i)^i$', input: 'ı', match: false },
    { desc: '(?i) in the middle applies to the rest', pattern: 'a(?i)b', input: 'aB', match: true },
    { desc: '(?i) in the middle leaves the start sensitive', pattern: 'a(?i)b', input: 'AB', match: false },
    { desc: '(?i:...) group is scoped', pattern: 'a(?i:b)c', input: 'aBC', match: false },
    { desc: '(?i:...) group folds inside', pattern: 'a(?i:b)c', input: 'aBc', match: true },
    { desc: '(?-i) turns folding off', pattern: '(?i)a(?-i)b', input: 'AB', match: false },
    { desc: '(?i) survives an alternation bar', pattern: '(?i)x|y', input: 'Y', match: true },
    { desc: 'folded class', pattern: '(?i)^[a-c]+$', input: 'AbC', match: true },
    { desc: 'folded negated class excludes both cases', pattern: '(?i)^[^a]$', input: 'A', match: false },
    { desc: '. does not match \\n', pattern: '^.$', input: '\n', match: false },
    { desc: '. matches \\r (unlike JS)', pattern: '^.$', input: '\r', match: true },
    { desc: '. matches U+2028 (unlike JS)', pattern: '^.$', input: '\u2028', match: true },
    { desc: '. matches one code point', pattern: '^.$', input: '🦭', match: true },
    { desc: '(?s) lets . match \\n', pattern: '(?s)^.$', input: '\n', match: true },
    { desc: '(?m) ^ matches after \\n', pattern: '(?m)^b$', input: 'a\nb\nc', match: true },
    { desc: '(?m) does not treat \\r as a line end', pattern: '(?m)a$', input: 'a\rb', match: false },
    { desc: '\\A and \\z', pattern: '\\Aab\\z', input: 'ab', match: true },
    { desc: '\\z ignores (?m)', pattern: '(?m)a\\z', input: 'a\nb', match: false },
    { desc: '\\s is ASCII only', pattern: '\\s', input: '\u00a0', match: false },
    { desc: '\\s does not include \\v', pattern: '\\s', input: '\v', match: false },
    { desc: '[[:space:]] includes \\v', pattern: '[[:space:]]', input: '\v', match: true },
    { desc: '\\d is ASCII only', pattern: '\\d', input: '٣', match: false },
    { desc: '\\w', pattern: '^\\w+$', input: 'a_1', match: true },
    { desc: '\\W', pattern: '\\W', input: 'a', match: false },
    { desc: 'POSIX class', pattern: '^[[:alpha:]]+$', input: 'abcXYZ', match: true },
    { desc: 'negated POSIX class', pattern: '^[[:^digit:]]+$', input: 'ab', match: true },
    { desc: 'Unicode category', pattern: '^\\pL+$', input: 'héllo', match: true },
    { desc: 'Unicode script', pattern: '\\p{Greek}', input: 'α', match: true },
    { desc: 'negated Unicode class', pattern: '^\\P{L}$', input: '1', match: true },
    { desc: '\\p{^L} negation', pattern: '^\\p{^L}$', input: 'a', match: false },
    { desc: 'named group (?P<name>)', pattern: '^(?P<sub>[a-z]+)\\.example$', input: 'api.example', match: true },
    { desc: 'named group (?<name>)', pattern: '^(?<sub>a)$', input: 'a', match: true },
    { desc: '\\Q...\\E quotes', pattern: '^\\Qa.b*\\E$', input: 'a.b*', match: true },
    { desc: '\\Q...\\E is literal', pattern: '^\\Qa.b\\E$', input: 'axb', match: false },
    { desc: 'quantifier after \\Q...\\E applies to the last char', pattern: '^\\Qab\\E+$', input: 'abbb', match: true },
    { desc: '{ that is not a repeat is literal', pattern: 'http{secure:s?}', input: 'http{secure:}', match: true },
    { desc: 'template-looking pattern does not match its expansion', pattern: 'http{secure:s?}', input: 'https', match: false },
    { desc: '{,n} is literal', pattern: '^a{,2}$', input: 'a{,2}', match: true },
    { desc: 'counted repeat', pattern: '^a{2,3}$', input: 'aaa', match: true },
    { desc: 'counted repeat max', pattern: '^a{2,3}$', input: 'aaaa', match: false },
    { desc: 'open-ended repeat', pattern: '^a{2,}$', input: 'aaaaa', match: true },
    { desc: 'lone ] is literal', pattern: '^]$', input: ']', match: true },
    { desc: '] first in a class is literal', pattern: '^[]a]+$', input: ']a', match: true },
    { desc: '] first in a negated class', pattern: '^[^]a]$', input: ']', match: false },
    { desc: '- anywhere in a class', pattern: '^[a-c-e]+$', input: 'b-e', match: true },
    { desc: 'escaped punctuation', pattern: '^\\-\\#\\@\\:$', input: '-#@:', match: true },
    { desc: 'escaped underscore', pattern: '^\\_$', input: '_', match: true },
    { desc: 'hex escapes', pattern: '^\\x41\\x{1F9AD}$', input: 'A🦭', match: true },
    { desc: 'octal escape', pattern: '^\\101\\0$', input: 'A\0', match: true },
    { desc: 'C escapes', pattern: '^\\t\\a\\f\\v$', input: '\t\x07\f\v', match: true },
    { desc: 'quantified anchor', pattern: '^*a', input: 'a', match: true },
    { desc: 'quantified word boundary', pattern: 'a\\b?', input: 'ab', match: true },
    { desc: '(?U) makes quantifiers lazy (no effect on matching)', pattern: '(?U)^a+b$', input: 'aab', match: true },
    { desc: 'empty flag group is a no-op', pattern: '(?)a', input: 'a', match: true },
    { desc: 'class with escapes', pattern: '^[\\d\\-.]+$', input: '1-2.3', match: true },
    { desc: 'class range of escapes', pattern: '^[\\x30-\\x39]+$', input: '42', match: true },
  ];
  for (const c of cases) {
    test(`${c.desc}: /${c.pattern}/ on ${JSON.stringify(c.input)}`, () => {
      assert.equal(compileGoRegexp(c.pattern).test(c.input), c.match);
    });
  }
});

describe('Go regexp errors (rejected like regexp.Compile)', () => {
  const cases: { desc: string; pattern: string; reason: RegExp }[] = [
    { desc: 'unclosed group', pattern: '(example.com', reason: /missing closing \)/ },
    { desc: 'unopened group', pattern: 'a)', reason: /unexpected \)/ },
    { desc: 'unclosed class', pattern: '[a-z', reason: /missing closing \]/ },
    { desc: 'empty class', pattern: '[]', reason: /missing closing \]/ },
    { desc: 'nested repetition', pattern: 'a**', reason: /invalid nested repetition operator/ },
    { desc: 'possessive quantifier', pattern: 'a++', reason: /invalid nested repetition operator/ },
    { desc: 'double lazy', pattern: 'a*??', reason: /invalid nested repetition operator/ },
    { desc: 'repeat of a repeat', pattern: 'a{2}{3}', reason: /invalid nested repetition operator/ },
    { desc: 'leading star', pattern: '*a', reason: /missing argument to repetition operator/ },
    { desc: 'star after bar', pattern: 'a|*', reason: /missing argument/ },
    { desc: 'star after open paren', pattern: '(*a)', reason: /missing argument/ },
    { desc: 'repeat count over 1000', pattern: 'a{1001}', reason: /invalid repeat count/ },
    { desc: 'min above max', pattern: 'a{3,2}', reason: /invalid repeat count/ },
    { desc: 'nested counts over 1000', pattern: '(a{100}){20}', reason: /invalid repeat count/ },
    { desc: 'lookahead', pattern: '(?=a)', reason: /invalid or unsupported Perl syntax/ },
    { desc: 'negative lookahead', pattern: 'a(?!b)', reason: /invalid or unsupported Perl syntax/ },
    { desc: 'lookbehind', pattern: '(?<=a)b', reason: /invalid named capture/ },
    { desc: 'atomic group', pattern: '(?>a)', reason: /invalid or unsupported Perl syntax/ },
    { desc: 'unknown flag', pattern: '(?x)a', reason: /invalid or unsupported Perl syntax/ },
    { desc: 'dangling flag negation', pattern: '(?i-)a', reason: /invalid or unsupported Perl syntax/ },
    { desc: 'backreference', pattern: '(a)\\1', reason: /invalid escape sequence: `\\1`/ },
    { desc: 'named backreference', pattern: '(?P=n)', reason: /invalid or unsupported Perl syntax/ },
    { desc: 'invalid capture name', pattern: '(?P<a-b>x)', reason: /invalid named capture/ },
    { desc: 'unknown letter escape', pattern: '\\e', reason: /invalid escape sequence/ },
    { desc: '\\Z is not Go', pattern: 'a\\Z', reason: /invalid escape sequence/ },
    { desc: '\\C is not supported', pattern: '\\C', reason: /invalid escape sequence/ },
    { desc: '\\b inside a class', pattern: '[\\b]', reason: /invalid escape sequence/ },
    { desc: 'trailing backslash', pattern: 'a\\', reason: /trailing backslash/ },
    { desc: 'bad hex escape', pattern: '\\xZZ', reason: /invalid escape sequence/ },
    { desc: 'reversed range', pattern: '[z-a]', reason: /invalid character class range/ },
    { desc: 'class escape as range end', pattern: '[a-\\d]', reason: /invalid escape sequence/ },
    { desc: 'unknown POSIX class', pattern: '[[:foo:]]', reason: /invalid character class range/ },
    { desc: 'unknown Unicode class', pattern: '\\p{Foo}', reason: /invalid character class range/ },
  ];
  for (const c of cases) {
    test(`${c.desc}: ${c.pattern}`, () => {
      assert.throws(
        () => compileGoRegexp(c.pattern),
        (err: unknown) => err instanceof GoRegexpError && c.reason.test(err.reason),
      );
    });
  }
});
