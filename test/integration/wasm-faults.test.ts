// The real `portico` process with three faulty WASM middlewares (a loop, a trap, memory growth past the cap):
// each faulting request answers 500 quickly with the reason in the log, and the next request is served.
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

const faults = [
  { name: 'spin', fixture: 'fault-spin', limits: { fuel: 1_000_000 }, reason: /fuel exhausted/ },
  { name: 'trap', fixture: 'fault-trap', limits: {}, reason: /trap: unreachable.*abort: boom at trap\.wat/ },
  { name: 'grow', fixture: 'fault-grow', limits: { maxMemoryPages: 64 }, reason: /trap: unreachable/ },
];

test('faulty WASM middlewares fail their request with 500; the proxy keeps serving', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-wasm-faults-'));
  const upstream = await startUpstream();
  const ports = new PortReservations();
  const web = await ports.reserve();
  const api = await ports.reserve();
  const plugins: Record<string, unknown> = {};
  const routers: Record<string, unknown> = {};
  const middlewares: Record<string, unknown> = {};
  for (const f of faults) {
    const file = join(dir, `${f.fixture}.wasm`);
    await writeFile(file, await fixtureWasm(f.fixture));
    plugins[f.name] = { wasm: file, limits: f.limits };
    middlewares[`${f.name}-mw`] = { plugin: { [f.name]: {} } };
    routers[f.name] = { entryPoints: ['web'], rule: `PathPrefix(\`/${f.name}\`)`, middlewares: [`${f.name}-mw`], service: 'backend' };
  }
  await ports.releaseAll();
  const portico = await startPortico({
    staticConfig: {
      entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
      api: { insecure: true },
      log: { level: 'INFO' },
      plugins,
    },
    dynamicConfig: { http: { routers, middlewares, services: { backend: { loadBalancer: { servers: [{ url: upstream.url }] } } } } },
    apiPort: api,
  });
  t.after(async () => {
    await portico.stop();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });
  await portico.waitForRouters(faults.length + 1);

  const get = async (path: string, fault = false) => {
    const res = await fetch(`http://127.0.0.1:${web}${path}`, { headers: fault ? { 'x-fault': '1' } : {} });
    await res.arrayBuffer();
    return res.status;
  };
  for (const f of faults) {
    assert.equal(await get(`/${f.name}/a`), 200, `${f.name}: served before the fault`);
    const started = performance.now();
    assert.equal(await get(`/${f.name}/b`, true), 500, `${f.name}: the faulting request`);
    assert.ok(performance.now() - started < 3000, `${f.name}: answered quickly`);
    assert.equal(await get(`/${f.name}/c`), 200, `${f.name}: the next request`);
    await waitFor(() => f.reason.test(portico.output()), { message: `${f.name}: the reason is logged`, timeoutMs: 5000 });
  }
  assert.equal(portico.exited(), undefined, 'the proxy is still running');
  const served = upstream.received.filter((r) => r.headers['x-wasm'] === 'ok').map((r) => r.url);
  assert.deepEqual(served, faults.flatMap((f) => [`/${f.name}/a`, `/${f.name}/c`]));
});
