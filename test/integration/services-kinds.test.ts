// weighted, mirroring and failover services end to end through the real `portico`: an exact weighted split, a
// slow or dead mirror that does not slow the main request (and does get its copy), failover on the main
// service's health check and back, and reference errors visible in the API.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startPortico, type PorticoProcess } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/poll.js';

let portico: PorticoProcess;
let web = 0;
const upstreams: Record<string, Upstream> = {};
/** Whether the `primary` upstream's health endpoint answers 200 (the test flips it). */
let primaryHealthy = true;

function named(name: string, delayMs = 0) {
  return startUpstream((req, res) => {
    const answer = () => {
      if (req.url === '/health') {
        res.writeHead(name === 'primary' && !primaryHealthy ? 503 : 200);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(name);
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
}

before(async () => {
  for (const name of ['v1', 'v2', 'main', 'primary', 'spare']) upstreams[name] = await named(name);
  upstreams.slow = await named('slow', 2000);
  const ports = new PortReservations();
  web = await ports.reserve();
  const api = await ports.reserve();
  await ports.releaseAll();
  const server = (name: string) => [{ url: upstreams[name].url }];
  portico = await startPortico({
    apiPort: api,
    staticConfig: {
      entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
      api: { insecure: true },
    },
    dynamicConfig: {
      http: {
        routers: {
          split: { rule: 'PathPrefix(`/split`)', service: 'canary' },
          mirrored: { rule: 'PathPrefix(`/mirrored`)', service: 'shadow' },
          deadMirror: { rule: 'PathPrefix(`/dead-mirror`)', service: 'shadowDead' },
          failover: { rule: 'PathPrefix(`/failover`)', service: 'resilient' },
          broken: { rule: 'PathPrefix(`/broken`)', service: 'loop' },
        },
        services: {
          canary: { weighted: { services: [{ name: 'v1', weight: 3 }, { name: 'v2', weight: 1 }] } },
          v1: { loadBalancer: { servers: server('v1') } },
          v2: { loadBalancer: { servers: server('v2') } },
          shadow: { mirroring: { service: 'main', mirrors: [{ name: 'slow', percent: 100 }] } },
          shadowDead: { mirroring: { service: 'main', mirrors: [{ name: 'dead', percent: 100 }] } },
          main: { loadBalancer: { servers: server('main') } },
          slow: { loadBalancer: { servers: server('slow') } },
          dead: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } },
          resilient: { failover: { service: 'primary', fallback: 'spare' } },
          primary: { loadBalancer: { servers: server('primary'), healthCheck: { path: '/health', interval: '100ms', timeout: '1s' } } },
          spare: { loadBalancer: { servers: server('spare') } },
          loop: { weighted: { services: [{ name: 'loop2' }] } },
          loop2: { failover: { service: 'loop', fallback: 'spare' } },
        },
      },
    },
  });
  await portico.waitForRouters(5);
});

after(async () => {
  await portico?.stop();
  for (const u of Object.values(upstreams)) await u.close();
});

async function get(path: string, init: RequestInit = {}): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${web}${path}`, init);
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - started };
}

test('weighted 3:1 splits 40 requests exactly 30/10', async () => {
  const counts: Record<string, number> = {};
  for (let i = 0; i < 40; i++) {
    const { body } = await get('/split');
    counts[body] = (counts[body] ?? 0) + 1;
  }
  assert.deepEqual(counts, { v1: 30, v2: 10 });
});

test('a mirror that sleeps 2 s does not slow the main request, and receives the copy with its body', async () => {
  const before = upstreams.slow.received.length;
  const res = await get('/mirrored/x', { method: 'POST', body: 'copy me' });
  assert.equal(res.body, 'main');
  assert.ok(res.ms < 300, `main request took ${res.ms.toFixed(0)} ms`);
  const copy = await waitFor(() => upstreams.slow.received[before], { message: 'the mirror to receive the copy' });
  assert.deepEqual([copy.method, copy.url, copy.body], ['POST', '/mirrored/x', 'copy me']);
});

test('a mirror that is down does not slow or fail the main request', async () => {
  for (let i = 0; i < 3; i++) {
    const res = await get('/dead-mirror');
    assert.deepEqual([res.status, res.body], [200, 'main']);
    assert.ok(res.ms < 300, `main request took ${res.ms.toFixed(0)} ms`);
  }
});

test('failover switches to the fallback when the main health check fails, and back when it recovers', async () => {
  await waitFor(async () => (await get('/failover')).body === 'primary', { message: 'primary to serve' });
  primaryHealthy = false;
  await waitFor(async () => (await get('/failover')).body === 'spare', { message: 'the switch to the fallback' });
  primaryHealthy = true;
  await waitFor(async () => (await get('/failover')).body === 'primary', { message: 'the switch back to the main service' });
});

test('a reference cycle disables its services and the router, with the key path', async () => {
  const routers = await portico.routers();
  const broken = routers.find((r) => r.name === 'broken@file');
  assert.equal(broken?.status, 'disabled');
  assert.equal((await get('/broken')).status, 404);
  const service = await portico.api<{ status?: string; error?: string[] }>('/api/http/services/loop@file');
  assert.equal(service.status, 'disabled');
  assert.match(String(service.error), /cycle: loop@file → loop2@file → loop@file/);
});
