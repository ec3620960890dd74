// examples/provider-plugin (portico-provider-http, Traefik's HTTP provider) enabled by path: routes come from
// an HTTP endpoint, change when its answer changes, and survive a failing endpoint (last good snapshot kept).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { repoRoot, startPortico } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { startUpstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/poll.js';

test('examples/provider-plugin: routes from a polled endpoint, live changes, last good snapshot on errors', async (t) => {
  const pluginDir = join(repoRoot, 'examples/provider-plugin');
  assert.ok(existsSync(join(pluginDir, 'dist/index.js')), 'examples/provider-plugin is built (pnpm build)');
  const backend = await startUpstream((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`backend saw ${req.url}`);
  });
  // The endpoint's answer: JSON, then YAML, then a failure.
  let answer: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '' };
  const dynamic = (rule: string) => ({
    http: {
      routers: { polled: { entryPoints: ['web'], rule, service: 'backend' } },
      services: { backend: { loadBalancer: { servers: [{ url: backend.url }] } } },
    },
  });
  answer.body = JSON.stringify(dynamic('PathPrefix(`/first`)'));
  const endpoint = await startUpstream((req, res) => {
    if (req.headers.authorization !== 'Bearer s3cret') {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(answer.status, { 'content-type': answer.type });
    res.end(answer.body);
  });
  const ports = new PortReservations();
  const web = await ports.reserve();
  const api = await ports.reserve();
  await ports.releaseAll();
  const portico = await startPortico({
    staticConfig: {
      entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
      api: { insecure: true },
      log: { level: 'INFO' },
      plugins: { http: { path: pluginDir } },
      providers: {
        providersThrottleDuration: '50ms',
        http: { endpoint: `${endpoint.url}/config`, pollInterval: '100ms', headers: { Authorization: 'Bearer s3cret' } },
      },
    },
  });
  t.after(async () => {
    await portico.stop();
    await backend.close();
    await endpoint.close();
  });
  const status = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${web}${path}`);
    return { code: res.status, body: await res.text() };
  };
  const routers = await portico.waitForRouters(1);
  assert.ok(routers.some((r) => r.name === 'polled@http' && r.rule === 'PathPrefix(`/first`)'), JSON.stringify(routers));
  assert.deepEqual(await status('/first/a'), { code: 200, body: 'backend saw /first/a' });

  answer = { status: 200, type: 'application/yaml', body: stringify(dynamic('PathPrefix(`/second`)')) };
  await waitFor(async () => (await status('/second/b')).code === 200, { timeoutMs: 10_000, message: 'the changed route serving' });
  assert.equal((await status('/first/a')).code, 404, 'the old route is gone');

  answer = { status: 500, type: 'text/plain', body: 'oops' };
  await waitFor(() => /answered 500, expected 200; keeping its previous configuration/.test(portico.output()), { message: 'the poll error logged' });
  assert.equal((await status('/second/b')).code, 200, 'the last good configuration keeps serving');
  assert.ok(endpoint.received.every((r) => r.url === '/config'));
});
