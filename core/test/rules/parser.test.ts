import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MatcherNames, parseRule, parseTree, RuleError, type RuleNode } from '../../src/rules/index.js';

/** Compact view of a tree: `and(Host[a],!Path[/b])`. */
function show(node: RuleNode): string {
  if (node.type !== 'matcher') return `${node.type}(${show(node.left)},${show(node.right)})`;
  return `${node.not ? '!' : ''}${node.matcher}[${node.values.join('|')}]`;
}

describe('rule grammar: trees', () => {
  const cases: { desc: string; rule: string; tree: string; syntax?: 'v2' | 'v3' }[] = [
    { desc: 'single matcher', rule: 'Host(`a.com`)', tree: 'Host[a.com]' },
    { desc: 'double-quoted value', rule: 'Host("a.com")', tree: 'Host[a.com]' },
    { desc: 'superfluous parentheses', rule: '((Host(`a`)))', tree: 'Host[a]' },
    { desc: '&& binds tighter than ||', rule: 'Host(`a`) || Host(`b`) && Path(`/c`)', tree: 'or(Host[a],and(Host[b],Path[/c]))' },
    { desc: 'parentheses override precedence', rule: '(Host(`a`) || Host(`b`)) && Path(`/c`)', tree: 'and(or(Host[a],Host[b]),Path[/c])' },
    { desc: '|| is left-associative', rule: 'Host(`a`) || Host(`b`) || Host(`c`)', tree: 'or(or(Host[a],Host[b]),Host[c])' },
    { desc: '&& is left-associative', rule: 'Path(`/a`) && Path(`/b`) && Path(`/c`)', tree: 'and(and(Path[/a],Path[/b]),Path[/c])' },
    { desc: '! binds tighter than &&', rule: '!Host(`a`) && Path(`/b`)', tree: 'and(!Host[a],Path[/b])' },
    { desc: 'negated || becomes && of negations', rule: '!(Host(`a`) || Host(`b`))', tree: 'and(!Host[a],!Host[b])' },
    { desc: 'negated && becomes || of negations', rule: '!(Host(`a`) && !Path(`/b`))', tree: 'or(!Host[a],Path[/b])' },
    { desc: 'double negation cancels', rule: '!!Host(`a`)', tree: 'Host[a]' },
    { desc: 'lower-case name', rule: 'pathprefix(`/a`)', tree: 'PathPrefix[/a]' },
    { desc: 'UPPER-case name', rule: 'PATHPREFIX(`/a`)', tree: 'PathPrefix[/a]' },
    { desc: 'Title-case name', rule: 'Pathprefix(`/a`)', tree: 'PathPrefix[/a]' },
    { desc: 'ClientIP Title case', rule: 'Clientip(`1.2.3.4`)', tree: 'ClientIP[1.2.3.4]' },
    { desc: 'two arguments', rule: 'Header(`X-A`, `b`)', tree: 'Header[X-A|b]' },
    { desc: 'trailing comma, as Go allows', rule: 'Header(`X-A`, `b`,)', tree: 'Header[X-A|b]' },
    { desc: 'no arguments parses (rejected at compile)', rule: 'Host()', tree: 'Host[]' },
    { desc: 'newline after an operator', rule: 'Host(`a`) &&\n  Path(`/b`)', tree: 'and(Host[a],Path[/b])' },
    { desc: 'trailing newline', rule: 'Host(`a`)\n', tree: 'Host[a]' },
    { desc: 'tabs and CR are spaces', rule: 'Host(`a`)\t&&\r\nPath(`/b`)', tree: 'and(Host[a],Path[/b])' },
    { desc: 'Go comments are ignored', rule: 'Host(`a`) /* api */ && Path(`/b`) // end', tree: 'and(Host[a],Path[/b])' },
    { desc: 'v2 names with v2 syntax', rule: 'Headers(`a`,`b`) && HostHeader(`h`)', tree: 'and(Headers[a|b],HostHeader[h])', syntax: 'v2' },
  ];
  for (const c of cases) {
    test(c.desc, () => assert.equal(show(parseRule(c.rule, c.syntax)), c.tree));
  }
});

describe('rule grammar: Go string literals', () => {
  const cases: { desc: string; literal: string; value: string }[] = [
    { desc: 'raw string keeps backslashes', literal: '`^a\\.b$`', value: '^a\\.b$' },
    { desc: 'raw string may hold double quotes', literal: '`say "hi"`', value: 'say "hi"' },
    { desc: 'raw string drops carriage returns', literal: '`a\rb`', value: 'ab' },
    { desc: 'interpreted string unescapes \\\\', literal: '"^a\\\\.b$"', value: '^a\\.b$' },
    { desc: 'escaped double quote', literal: '"a\\"b"', value: 'a"b' },
    { desc: 'C escapes', literal: '"\\t\\n\\r\\a\\b\\f\\v"', value: '\t\n\r\x07\b\f\v' },
    { desc: 'hex escape', literal: '"\\x41"', value: 'A' },
    { desc: 'octal escape', literal: '"\\101"', value: 'A' },
    { desc: '\\u escape', literal: '"caf\\u00e9"', value: 'café' },
    { desc: '\\U escape', literal: '"\\U0001F9AD"', value: '🦭' },
    { desc: 'UTF-8 bytes as hex escapes', literal: '"\\xc3\\xa9"', value: 'é' },
    { desc: 'non-ASCII text', literal: '"é"', value: 'é' },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const node = parseRule(`Path(${c.literal})`);
      assert.equal(node.type === 'matcher' && node.values[0], c.value);
    });
  }
});

describe('rule grammar: syntax errors', () => {
  const cases: { desc: string; rule: string; message: RegExp; column?: number; syntax?: 'v2' | 'v3' }[] = [
    { desc: 'empty rule', rule: '', message: /empty rule/ },
    { desc: 'blank rule', rule: '  \n ', message: /empty rule/ },
    { desc: 'bare identifier', rule: 'rulewithnotmatcher', message: /expected a matcher .* found rulewithnotmatcher/, column: 1 },
    { desc: 'matcher without parentheses', rule: 'Host', message: /Host must be called with arguments/ },
    { desc: 'unknown matcher', rule: 'Host(`a`) && Foo(`b`)', message: /unknown matcher Foo/, column: 14 },
    { desc: 'mixed-case name is not accepted', rule: 'PathPREFIX(`/a`)', message: /unknown matcher PathPREFIX/ },
    { desc: 'v2 matcher in v3 syntax', rule: 'Headers(`a`, `b`)', message: /Headers is v2 syntax/ },
    { desc: 'v3 matcher in v2 syntax', rule: 'PathRegexp(`^/a`)', message: /only in the v3 rule syntax/, syntax: 'v2' },
    { desc: 'dangling &&', rule: 'Host(`a`) &&', message: /expected a matcher, found end of rule/ },
    { desc: 'dangling ||', rule: 'Host(`a`) ||', message: /found end of rule/ },
    { desc: 'leading ||', rule: '|| Host(`a`)', message: /expected a matcher, found "\|\|"/, column: 1 },
    { desc: 'missing operator', rule: 'Host(`a`) Path(`/b`)', message: /expected && or \|\|/, column: 11 },
    { desc: 'unsupported operator', rule: 'Host(`a`) == Host(`b`)', message: /"=="/ },
    { desc: 'unsupported unary operator', rule: '-Host(`a`)', message: /operator "-" is not supported/ },
    { desc: 'single & is not &&', rule: 'Host(`a`) & Host(`b`)', message: /"&"/ },
    { desc: 'missing closing parenthesis', rule: '(Host(`a`)', message: /expected \) to close the parenthesis opened at column 1/ },
    { desc: 'extra closing parenthesis', rule: 'Host(`a`))', message: /unbalanced parenthesis/, column: 10 },
    { desc: 'unquoted value', rule: 'Host(tchouk)', message: /values must be quoted/ },
    { desc: 'number value', rule: 'Host(1)', message: /expected a string argument, found "1"/ },
    { desc: 'nested call as value', rule: 'Host(Path(`/a`))', message: /expected a string argument/ },
    { desc: 'parenthesized value', rule: 'Host((`a`))', message: /expected a string argument/ },
    { desc: 'double comma', rule: 'Host(`a`,,`b`)', message: /expected a string argument, found ","/ },
    { desc: 'missing comma', rule: 'Header(`a` `b`)', message: /expected , or \)/ },
    { desc: 'single quotes', rule: "Host('a')", message: /single quotes are not allowed/ },
    { desc: 'unterminated raw string', rule: 'Host(`a)', message: /raw string literal not terminated/ },
    { desc: 'unterminated string', rule: 'Host("a)', message: /string literal not terminated/ },
    { desc: 'unknown escape', rule: 'Host("a\\q")', message: /unknown escape sequence \\q/ },
    { desc: 'newline inside a double-quoted string', rule: 'Host("a\nb")', message: /newline in string literal/ },
    { desc: 'newline before an operator ends the expression (Go)', rule: 'Host(`a`)\n&& Path(`/b`)', message: /an operator must end a line/ },
    { desc: 'newline inside the argument list', rule: 'Host(`a`\n)', message: /expected , or \) after argument, found newline/ },
    { desc: 'explicit semicolon', rule: 'Host(`a`);', message: /";"/ },
    { desc: 'unterminated comment', rule: 'Host(`a`) /* x', message: /comment not terminated/ },
    { desc: 'value at top level', rule: '`a`', message: /expected a matcher such as Host/ },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      assert.throws(
        () => parseRule(c.rule, c.syntax),
        (err: unknown) => {
          assert.ok(err instanceof RuleError, `expected RuleError, got ${String(err)}`);
          assert.match(err.message, c.message);
          if (c.column !== undefined) assert.equal(err.position, c.column - 1, err.message);
          return true;
        },
      );
    });
  }
});

describe('rule grammar: custom matcher sets (parseTree)', () => {
  test('names resolve to the declared spelling', () => {
    const names = new MatcherNames(['HostSNI', 'ALPN']);
    assert.equal(names.resolve('hostsni'), 'HostSNI');
    assert.equal(names.resolve('HOSTSNI'), 'HostSNI');
    assert.equal(names.resolve('Hostsni'), 'HostSNI');
    assert.equal(names.resolve('Alpn'), 'ALPN');
    assert.equal(names.resolve('HostSni'), undefined);
  });
  test('a one-letter matcher accepts its upper case', () => {
    assert.equal(show(parseTree('M(`1`) || !m(`2`)', new MatcherNames(['m']))), 'or(m[1],!m[2])');
  });
});
