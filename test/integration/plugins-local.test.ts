// examples/local-plugin run by the real `portico` command: a local TypeScript middleware enabled by path
// changes real proxied responses, its stack traces point at the .ts line, and in watch mode an edit is
// applied live (a broken edit keeps the previous version serving).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../helpers/portico-process.js';
import { runExample } from '../helpers/example-run.js';
import { startUpstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/poll.js';

test('examples/local-plugin: stamps responses, maps stack traces, reloads on edit', async (t) => {
  const upstream = await startUpstream();
  const { portico, dir, web } = await runExample(t, {
    name: 'local-plugin',
    upstream,
    prepare: (dir) => cp(join(repoRoot, 'examples/local-plugin'), dir, { recursive: true, filter: (src) => !/node_modules|\.portico|[\\/]test$/.test(src) }),
  });
  await portico.waitForRouters(1);

  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${web}${path}`);
    await res.arrayBuffer();
    return res;
  };
  const res = await get('/hello');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-stamp'), 'from-a-local-plugin', 'response stamped by the plugin');
  assert.equal(upstream.received.at(-1)!.headers['x-stamped'], 'from-a-local-plugin', 'request stamped upstream');

  // The plugin throws on /boom: 500, and the logged stack names the TypeScript line (stamp.ts:29).
  const source = await readFile(join(dir, 'plugins/stamp.ts'), 'utf8');
  const throwLine = source.split('\n').findIndex((l) => l.includes('throw new Error(`stamp refused')) + 1;
  assert.equal((await get('/boom')).status, 500);
  await waitFor(() => portico.output().includes(`plugins/stamp.ts:${throwLine}:`), { message: `stack trace naming stamp.ts:${throwLine}` });

  // Watch mode: an edit is rebuilt and applied without a restart.
  await writeFile(join(dir, 'plugins/stamp.ts'), source.replace('headers[header] = value;', "headers[header] = `${value}-v2`;"));
  await waitFor(async () => (await get('/hello')).headers.get('x-stamp') === 'from-a-local-plugin-v2', { timeoutMs: 15_000, message: 'the edited plugin serving' });

  // A broken edit is logged and the previous version keeps serving.
  await writeFile(join(dir, 'plugins/stamp.ts'), source.replace('export default defineMiddleware({', 'export default defineMiddleware({{'));
  await waitFor(() => portico.output().includes('keeping the previous version'), { timeoutMs: 15_000, message: 'the rebuild error logged' });
  assert.equal((await get('/hello')).headers.get('x-stamp'), 'from-a-local-plugin-v2');
  assert.equal(portico.exited(), undefined, 'still running');
});
