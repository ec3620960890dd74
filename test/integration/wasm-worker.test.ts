// The real `portico` process with a WASI module in `runtime: extism-worker`: requests pass through the worker
// (WASI calls work, headers reach the upstream), a looping request fails with 500 after the default 1s timeout,
// and the proxy goes on serving through a fresh worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortico } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { startUpstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/poll.js';
import { fixtureWasm } from '../../plugins/wasm/test/helpers/wat.js';

test('a WASI module in extism-worker mode serves requests and survives a loop', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-wasm-worker-'));
  const upstream = await startUpstream();
  const ports = new PortReservations();
  const web = await ports.reserve();
  const api = await ports.reserve();
  const file = join(dir, 'worker-wasi.wasm');
  await writeFile(file, await fixtureWasm('worker-wasi'));
  await ports.releaseAll();
  const portico = await startPortico({
    staticConfig: {
      entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
      api: { insecure: true },
      log: { level: 'INFO' },
      plugins: { wasi: { wasm: file, runtime: 'extism-worker' } },
    },
    dynamicConfig: {
      http: {
        routers: { r: { entryPoints: ['web'], rule: 'PathPrefix(`/`)', middlewares: ['w'], service: 'backend' } },
        middlewares: { w: { plugin: { wasi: {} } } },
        services: { backend: { loadBalancer: { servers: [{ url: upstream.url }] } } },
      },
    },
    apiPort: api,
  });
  t.after(async () => {
    await portico.stop();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });
  await portico.waitForRouters(2);

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://127.0.0.1:${web}${path}`, { headers });
    await res.arrayBuffer();
    return { status: res.status, idBack: res.headers.get('x-id-back') };
  };
  assert.deepEqual(await get('/a', { 'x-id': 'one' }), { status: 200, idBack: 'one' });
  const started = performance.now();
  assert.equal((await get('/spin', { 'x-fault': 'spin' })).status, 500);
  const ms = performance.now() - started;
  assert.ok(ms >= 900 && ms < 5000, `the loop was stopped after ${ms} ms (default timeout 1s)`);
  assert.deepEqual(await get('/b', { 'x-id': 'two' }), { status: 200, idBack: 'two' });
  const parallel = await Promise.all(Array.from({ length: 10 }, (_, i) => get(`/p${i}`, { 'x-id': `p${i}` })));
  assert.deepEqual(parallel, Array.from({ length: 10 }, (_, i) => ({ status: 200, idBack: `p${i}` })));
  await waitFor(() => /timeout: handle_request did not finish within 1000 ms/.test(portico.output()), { message: 'the timeout is logged', timeoutMs: 5000 });
  assert.doesNotMatch(portico.output(), /Invalid URL/);
  // node:wasi warns once in the main thread; the restarted workers stay quiet.
  assert.ok((portico.output().match(/ExperimentalWarning/g) ?? []).length <= 1, 'ExperimentalWarning once at most');
  assert.equal(portico.exited(), undefined, 'the proxy is still running');
  const served = upstream.received.filter((r) => r.headers['x-wasi'] === 'ok').map((r) => r.url);
  assert.deepEqual(served.slice(0, 2), ['/a', '/b']);
  assert.equal(served.length, 12);
});
