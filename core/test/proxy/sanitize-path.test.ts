import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanPath, needsCleaning } from '../../src/entrypoint/sanitize-path.js';

test('cleanPath: Go path.Clean keeping a trailing slash', () => {
  const cases: [string, string, string][] = [
    ['plain path unchanged', '/a/b', '/a/b'],
    ['double slashes collapse', '/a//b', '/a/b'],
    ['dot segments drop', '/a/./b', '/a/b'],
    ['dot-dot resolves', '/admin/../public', '/public'],
    ['never above the root', '/../../etc', '/etc'],
    ['trailing slash kept', '/a/b/', '/a/b/'],
    ['trailing dot-dot to root', '/a/..', '/'],
    ['root stays root', '/', '/'],
    ['encoded dots are not segments', '/a/%2e%2e/b', '/a/%2e%2e/b'],
    ['only slashes', '//', '/'],
  ];
  for (const [desc, input, want] of cases) assert.equal(cleanPath(input), want, desc);
});

test('needsCleaning: cheap pre-check', () => {
  for (const p of ['/a//b', '/a/./b', '/a/../b', '/.hidden']) assert.equal(needsCleaning(p), true, p);
  for (const p of ['/a/b', '/a.b/c', '/']) assert.equal(needsCleaning(p), false, p);
});
