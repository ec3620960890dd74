import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import plugins from '../src/index.js';
import { compileGoReplacer, goSubexpNames } from '@portico/sdk';
import {
  configErrorOf,
  describeConformance,
  findPlugin,
  runOnce,
  type TestRequest,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'replacePathRegex');

async function run(config: Record<string, unknown>, request: TestRequest) {
  const { res, calls } = await runOnce(plugin, config, request);
  return { res, calls };
}

describeConformance('replacePathRegex', plugin);

describe('replacePathRegex', () => {
  const cases: Array<{ desc: string; regex: string; replacement: string; path: string; upstream: string; replaced?: string }> = [
    { desc: 'all matches replaced', regex: '/whoami', replacement: '/who-am-i', path: '/whoami/and/whoami', upstream: '/who-am-i/and/who-am-i', replaced: '/whoami/and/whoami' },
    { desc: 'numbered groups', regex: '^/downloads/([^/]+)/([^/]+)$', replacement: '/downloads/$1-$2', path: '/downloads/src/source.go', upstream: '/downloads/src-source.go' },
    { desc: 'named groups with ${name}', regex: '^/(?P<a>[^/]+)/(?<b>[^/]+)$', replacement: '/${b}/${a}', path: '/x/y', upstream: '/y/x' },
    { desc: '$1x names group "1x" (empty)', regex: '^/(a)$', replacement: '/$1x', path: '/a', upstream: '/' },
    { desc: 'query is kept and not matched', regex: 'q', replacement: 'Q', path: '/q?q=1', upstream: '/Q?q=1' },
    { desc: 'regex sees the escaped path', regex: '%2F', replacement: '/', path: '/a%2Fb', upstream: '/a/b', replaced: '/a%2Fb' },
    { desc: 'result needing escapes is escaped', regex: '^/x$', replacement: '/a b', path: '/x', upstream: '/a%20b' },
    { desc: 'no match: unchanged, no header', regex: '^/nope', replacement: '/y', path: '/x', upstream: '/x' },
    { desc: 'regex and replacement are trimmed', regex: ' ^/x$ ', replacement: ' /y ', path: '/x', upstream: '/y' },
    { desc: 'case-insensitive flag', regex: '(?i)^/API', replacement: '/v2', path: '/api/users', upstream: '/v2/users' },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { res, calls } = await run({ regex: c.regex, replacement: c.replacement }, { path: c.path });
      assert.equal(res.status, 200);
      assert.equal(calls[0].path, c.upstream);
      const changed = c.upstream !== c.path;
      assert.equal(calls[0].headers['x-replaced-path'], changed ? (c.replaced ?? c.path.split('?')[0]) : undefined);
    });
  }

  test('a result with a malformed escape answers 500', async () => {
    const { res, calls } = await run({ regex: '^/x$', replacement: '/%zz' }, { path: '/x' });
    assert.equal(res.status, 500);
    assert.equal(res.body, 'invalid URL escape "%zz"\n');
    assert.equal(calls.length, 0);
  });

  const configCases: Array<{ desc: string; config: unknown; path?: string }> = [
    { desc: 'invalid Go regexp', config: { regex: '^(?err)/x', replacement: '/y' }, path: 'regex' },
    { desc: 'lookahead is not Go syntax', config: { regex: '/(?=x)', replacement: '/y' }, path: 'regex' },
    { desc: 'unknown option', config: { regex: '/x', replacement: '/y', permanent: true } },
  ];
  for (const c of configCases) {
    test(`config error: ${c.desc}`, async () => {
      const err = await configErrorOf(plugin, c.config);
      assert.ok(err !== undefined);
      if (c.path !== undefined) assert.equal(err.path, c.path);
    });
  }
});

describe('Go ReplaceAllString / Expand', () => {
  const cases: Array<[string, string, string, string]> = [
    // [pattern, template, input, Go's result]
    ['a*', 'X', 'baaac', 'XbXcX'],
    ['', '-', 'abc', '-a-b-c-'],
    ['x*', '-', 'abc', '-a-b-c-'],
    ['(a)(b)?', '[$2]', 'a ab', '[] [b]'],
    ['(?P<word>\\w+)', '<${word}>', 'hi there', '<hi> <there>'],
    ['(\\w+)', '$$1', 'ab', '$1'],
    ['(\\w+)', '$', 'ab', '$'],
    ['(\\w+)', '${1', 'ab', '${1'],
    ['(\\w+)', '$01', 'ab', ''],
    ['(\\w+)', '$9', 'ab', ''],
    ['(\\w+)', '$nope', 'ab', ''],
    ['é', 'e', 'café é', 'cafe e'],
    ['^', '>', 'ab', '>ab'],
    ['b|', '-', 'abc', '-a-c-'],
  ];
  for (const [pattern, template, input, want] of cases) {
    test(`${JSON.stringify(pattern)} ${JSON.stringify(template)} on ${JSON.stringify(input)}`, () => {
      assert.equal(compileGoReplacer(pattern, template).replaceAll(input), want);
    });
  }

  const nameCases: Array<[string, string[]]> = [
    ['(a)(?:b)(?P<c>d)(?<e>f)', ['', '', 'c', 'e']],
    ['\\((a)', ['', '']],
    ['[(](a)', ['', '']],
    ['[]()](b)', ['', '']],
    ['[[:alpha:](](c)', ['', '']],
    ['\\Q(x)\\E(y)', ['', '']],
    ['(?i)(z)', ['', '']],
  ];
  for (const [pattern, want] of nameCases) test(`goSubexpNames ${pattern}`, () => assert.deepEqual(goSubexpNames(pattern), want));
});
