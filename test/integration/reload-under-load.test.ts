// Reload without dropping a request: continuous keep-alive load while the dynamic file is rewritten 50 times
// (routers added, upstream servers switched), every rewrite confirmed through the API before the next.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startPortico } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { startUpstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/poll.js';

const REWRITES = 50;
const CLIENTS = 8;

function dynamicConfig(i: number, upstreams: string[]): string {
  const servers = i % 2 === 0 ? upstreams : [upstreams[i % upstreams.length]];
  return [
    'http:',
    '  routers:',
    '    main:',
    '      rule: "PathPrefix(`/`)"',
    '      service: backend',
    `    marker-${i}:`,
    `      rule: "Path(\`/marker-${i}\`)"`,
    '      service: backend',
    '  services:',
    '    backend:',
    '      loadBalancer:',
    '        servers:',
    ...servers.map((u) => `          - url: "${u}"`),
    '',
  ].join('\n');
}

test(`reload under load: ${REWRITES} rewrites, 0 failed requests`, { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-reload-'));
  const a = await startUpstream((_req, res) => res.end('a'));
  const b = await startUpstream((_req, res) => res.end('b'));
  const ports = new PortReservations();
  const web = await ports.reserve();
  const api = await ports.reserve();
  const file = join(dir, 'dynamic.yml');
  await writeFile(file, dynamicConfig(0, [a.url, b.url]));
  await writeFile(join(dir, 'portico.yml'), `entryPoints:\n  web:\n    address: "127.0.0.1:${web}"\n  traefik:\n    address: "127.0.0.1:${api}"\napi:\n  insecure: true\nproviders:\n  providersThrottleDuration: 10ms\n  file:\n    filename: dynamic.yml\n    watch: true\n`);
  await ports.releaseAll();
  const portico = await startPortico({ configFile: join(dir, 'portico.yml'), apiPort: api });
  const agent = new Agent({ connections: CLIENTS, keepAliveTimeout: 10_000 });
  t.after(async () => {
    await agent.close();
    await portico.stop();
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  });
  await portico.waitForRouters(3);

  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const client = async () => {
    while (running) {
      try {
        const res = await request(`http://127.0.0.1:${web}/load`, { dispatcher: agent });
        const body = await res.body.text();
        if (res.statusCode === 200 && (body === 'a' || body === 'b')) ok++;
        else failures.push(`${res.statusCode} ${body.slice(0, 80)}`);
      } catch (err) {
        failures.push(String(err));
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);

  for (let i = 1; i <= REWRITES; i++) {
    await writeFile(file, dynamicConfig(i, [a.url, b.url]));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${api}/api/http/routers/marker-${i}@file`)).status === 200, {
      message: `rewrite ${i} applied`,
      timeoutMs: 10_000,
    });
  }
  running = false;
  await Promise.all(clients);
  t.diagnostic(`${ok} requests served during ${REWRITES} reloads, ${failures.length} failed`);
  assert.deepEqual(failures.slice(0, 10), [], `failed requests: ${failures.length}`);
  assert.ok(ok > REWRITES, `load kept flowing (${ok} requests)`);
  assert.ok(a.received.length > 0 && b.received.length > 0, 'both upstreams served');
});
