// docs/reference is generated from the schemas; this keeps it true: a schema change without `pnpm docs` fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { renderReference } from '../src/reference-docs.js';

const root = process.env.PORTICO_REPO_ROOT ?? process.cwd();

test('docs/reference matches the schemas (run `pnpm build && pnpm docs` after changing options)', () => {
  const pages = renderReference();
  assert.ok(pages.size >= 4, 'static, dynamic, one page per middleware and provider');
  for (const [file, content] of pages) {
    const path = join(root, 'docs', 'reference', file);
    assert.ok(existsSync(path), `${path} is missing`);
    assert.equal(readFileSync(path, 'utf8'), content, `${path} is out of date`);
  }
});

test('every documented option has a description', () => {
  for (const [file, content] of renderReference()) {
    const undocumented = content.split('\n').filter((l) => /^\| `/.test(l) && /\| *\|$/.test(l));
    assert.deepEqual(undocumented, [], `${file}: options without a description`);
  }
});
