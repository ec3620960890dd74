// End to end: the shipped example (portico.yml + dynamic.yml + build/middleware.wasm from `pnpm build`) run
// by the real `portico` command changes real proxied requests and responses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runExample } from '../../../test/helpers/example-run.js';
import { startUpstream } from '../../../test/helpers/upstream.js';
import { exampleModule, exampleRoot } from './support.js';

test('examples/wasm-middleware: the API-key gate in front of a real upstream', async (t) => {
  const upstream = await startUpstream((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
    res.end(`upstream saw ${req.url}`);
  });
  // The example as shipped, with its upstream replaced by this test's.
  const { portico, web } = await runExample(t, {
    name: 'wasm-example',
    upstream,
    prepare: async (dir) => {
      await mkdir(join(dir, 'build'));
      await writeFile(join(dir, 'build', 'middleware.wasm'), await exampleModule());
      await cp(join(exampleRoot, 'portico.yml'), join(dir, 'portico.yml'));
      await cp(join(exampleRoot, 'dynamic.yml'), join(dir, 'dynamic.yml'));
    },
  });
  const routers = await portico.waitForRouters(1);
  assert.equal(routers.find((r) => r.name.startsWith('everything'))?.status, 'enabled', JSON.stringify(routers));

  const cases: Array<{ desc: string; path: string; headers: Record<string, string>; status: number; forwarded: string | undefined }> = [
    { desc: 'public path: forwarded, secret removed, tag from the dynamic options', path: '/hello?x=1', headers: { 'x-internal-secret': 's' }, status: 200, forwarded: '/hello?x=1' },
    { desc: '/admin without a key: 403 from the module', path: '/admin', headers: {}, status: 403, forwarded: undefined },
    { desc: '/admin/x with a wrong key: 403', path: '/admin/x', headers: { 'x-api-key': 'nope' }, status: 403, forwarded: undefined },
    { desc: '/admin/x with the static apiKey: forwarded', path: '/admin/x', headers: { 'x-api-key': 'change-me' }, status: 200, forwarded: '/admin/x' },
  ];
  for (const c of cases) {
    const before = upstream.received.length;
    const res = await fetch(`http://127.0.0.1:${web}${c.path}`, { headers: c.headers });
    const body = await res.text();
    assert.equal(res.status, c.status, `${c.desc}: ${body}`);
    if (c.forwarded === undefined) {
      assert.equal(upstream.received.length, before, `${c.desc}: upstream not called`);
      assert.equal(res.headers.get('content-type'), 'application/json', c.desc);
      assert.match(body, /"error":"forbidden"/, c.desc);
      continue;
    }
    assert.equal(upstream.received.length, before + 1, c.desc);
    const got = upstream.received.at(-1)!;
    assert.equal(got.url, c.forwarded, c.desc);
    assert.equal(got.headers['x-internal-secret'], undefined, c.desc);
    assert.equal(got.headers['x-wasm-mw'], 'from-dynamic', c.desc);
    assert.equal(res.headers.get('x-wasm-served'), 'yes', c.desc);
    assert.equal(res.headers.get('x-upstream'), 'yes', c.desc);
    assert.equal(body, `upstream saw ${c.forwarded}`, c.desc);
  }
});
