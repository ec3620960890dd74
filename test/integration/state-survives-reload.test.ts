// State that must survive a reload does: a rate-limit bucket drained before a configuration change is still
// drained after it (Traefik rebuilds its limiters and hands every client a fresh burst on each reload).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortico } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { startUpstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/poll.js';

function dynamic(upstream: string, extraRouter: string): string {
  return [
    'http:',
    '  routers:',
    '    limited:',
    '      rule: "PathPrefix(`/limited`)"',
    '      middlewares: [limit]',
    '      service: backend',
    `    ${extraRouter}:`,
    `      rule: "Path(\`/${extraRouter}\`)"`,
    '      service: backend',
    '  middlewares:',
    '    limit:',
    '      rateLimit:',
    '        average: 1',
    '        period: 1m',
    '        burst: 2',
    '  services:',
    '    backend:',
    '      loadBalancer:',
    `        servers: [{url: "${upstream}"}]`,
    '',
  ].join('\n');
}

test('rate-limit buckets survive a reload', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-state-'));
  const upstream = await startUpstream();
  const ports = new PortReservations();
  const web = await ports.reserve();
  const api = await ports.reserve();
  await ports.releaseAll();
  await writeFile(join(dir, 'dynamic.yml'), dynamic(upstream.url, 'first'));
  await writeFile(join(dir, 'portico.yml'), `entryPoints:\n  web:\n    address: "127.0.0.1:${web}"\n  traefik:\n    address: "127.0.0.1:${api}"\napi:\n  insecure: true\nproviders:\n  providersThrottleDuration: 10ms\n  file:\n    filename: dynamic.yml\n`);
  const portico = await startPortico({ configFile: join(dir, 'portico.yml'), apiPort: api });
  t.after(async () => {
    await portico.stop();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });
  await portico.waitForRouters(3);
  const status = async () => {
    const res = await fetch(`http://127.0.0.1:${web}/limited`);
    await res.arrayBuffer();
    return res.status;
  };
  assert.deepEqual([await status(), await status(), await status()], [200, 200, 429], 'burst of 2, then limited');

  await writeFile(join(dir, 'dynamic.yml'), dynamic(upstream.url, 'second'));
  await waitFor(async () => (await fetch(`http://127.0.0.1:${api}/api/http/routers/second@file`)).status === 200, { message: 'reload applied' });
  assert.equal(await status(), 429, 'the drained bucket is still drained after the reload');
});
