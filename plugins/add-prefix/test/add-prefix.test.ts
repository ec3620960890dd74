import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import plugins, { addPrefixTo } from '../src/index.js';
import { escapePath, pathUnescape, validEncodedPath, wirePath } from '@portico/sdk';
import { runCases } from '@portico/sdk/testing';
import {
  describeConformance,
  findPlugin,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'addPrefix');

describeConformance('addPrefix', plugin);

// The path table and the configuration errors live in cases.yaml.
runCases(new URL('./cases.yaml', import.meta.url), plugins);

test('addPrefixTo on an empty (fully stripped) path', () => assert.equal(addPrefixTo('/a b', ''), '/a%20b'));

describe('go-path helpers', () => {
  const escapeCases: Array<[string, string]> = [
    ['/plain/path', '/plain/path'],
    ['/a b', '/a%20b'],
    ['/a?b', '/a%3Fb'],
    ['/café', '/caf%C3%A9'],
    ["/keep$&+,:;=@-_.~", "/keep$&+,:;=@-_.~"],
    ['/(x)!', '/%28x%29%21'],
  ];
  for (const [s, want] of escapeCases) test(`escapePath ${s}`, () => assert.equal(escapePath(s), want));

  const validCases: Array<[string, boolean]> = [
    ['/a%2Fb', true],
    ["/a!'()*[]", true],
    ['/a b', false],
    ['/a?b', false],
    ['/é', false],
  ];
  for (const [s, want] of validCases) test(`validEncodedPath ${s}`, () => assert.equal(validEncodedPath(s), want));

  test('pathUnescape decodes UTF-8 and keeps +', () => assert.equal(pathUnescape('/caf%C3%A9+x'), '/café+x'));
  test('pathUnescape rejects a bad escape with Go wording', () => assert.throws(() => pathUnescape('/a%zz'), /invalid URL escape "%zz"/));
  test('wirePath re-escapes an invalid raw form', () => assert.equal(wirePath('/a b%2F'), '/a%20b/'));
  test('wirePath keeps a valid raw form', () => assert.equal(wirePath('/a%2Fb'), '/a%2Fb'));
});
