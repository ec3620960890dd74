import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import plugins from '../src/index.js';
import { decodePathBytes, encodedPrefixLen, isCleanPath, prefixBytes } from '@portico/sdk';
import { runCases } from '@portico/sdk/testing';
import {
  describeConformance,
  findPlugin,
  runOnce,
  type TestRequest,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'stripPrefix');

async function run(config: Record<string, unknown>, request: TestRequest) {
  const { res, calls, ctx } = await runOnce(plugin, config, request);
  return { res, calls, warnings: ctx.warnings };
}

describeConformance('stripPrefix', plugin);

// The Traefik strip_prefix_test.go table and more live in cases.yaml.
runCases(new URL('./cases.yaml', import.meta.url), plugins);

describe('stripPrefix', () => {
  test('forceSlash logs a deprecation warning', async () => {
    const { warnings } = await run({ prefixes: ['/a'], forceSlash: true }, { path: '/a' });
    assert.match(warnings.join(), /forceSlash is deprecated/);
  });
});

describe('escaped-path helpers', () => {
  const decodeCases: Array<[string, string | null]> = [
    ['/plain', '/plain'],
    ['/a%2Fb', '/a/b'],
    ['/ap%69', '/api'],
    ['/caf%C3%A9', '/caf\u00c3\u00a9'],
    ['/bad%2', null],
    ['/bad%g0', null],
  ];
  for (const [path, want] of decodeCases) test(`decodePathBytes ${path}`, () => assert.equal(decodePathBytes(path), want));

  const lenCases: Array<[string, number, number]> = [
    ['/stat/a%2Fb', 5, 5],
    ['/ap%69/a%2Fb', 5, 7],
    ['/caf%C3%A9/x', prefixBytes('/café').length, 10],
    ['/ab%', 4, 4],
  ];
  for (const [raw, n, want] of lenCases) test(`encodedPrefixLen ${raw} ${n}`, () => assert.equal(encodedPrefixLen(raw, n), want));

  const cleanCases: Array<[string, boolean]> = [
    ['/', true],
    ['/a/b/', true],
    ['/a//b', false],
    ['//a', false],
    ['/a/.', false],
    ['/../x', false],
    ['/a/..b', true],
    ['/%2e%2e', true],
  ];
  for (const [p, want] of cleanCases) test(`isCleanPath ${p}`, () => assert.equal(isCleanPath(p), want));
});
