// Entrypoint options over real sockets: redirections to another entrypoint, default middlewares, and
// static configuration given through PORTICO_* environment variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startPortico } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { startUpstream } from '../helpers/upstream.js';

function send(port: number, method: string, path: string, host: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, method, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    })
      .on('error', reject)
      .end();
  });
}

test('entrypoint redirections, default middlewares and environment variables', async (t) => {
  const upstream = await startUpstream();
  const ports = new PortReservations();
  const web = await ports.reserve();
  const secure = await ports.reserve();
  const other = await ports.reserve();
  const api = await ports.reserve();
  await ports.releaseAll();
  const portico = await startPortico({
    apiPort: api,
    staticConfig: {
      entryPoints: {
        web: { address: `127.0.0.1:${web}`, http: { redirections: { entryPoint: { to: 'websecure', scheme: 'https' } } } },
        websecure: { address: `127.0.0.1:${secure}`, http: { middlewares: ['strip@file'] } },
        temp: { address: `127.0.0.1:${other}`, http: { redirections: { entryPoint: { to: ':443', scheme: 'https', permanent: false } } } },
      },
      api: { insecure: true },
    },
    // The API entrypoint comes from the environment, as a container would set it.
    env: { PORTICO_ENTRYPOINTS_TRAEFIK_ADDRESS: `127.0.0.1:${api}` },
    dynamicConfig: {
      http: {
        routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } },
        middlewares: { strip: { stripPrefix: { prefixes: ['/app'] } } },
        services: { app: { loadBalancer: { servers: [{ url: upstream.url }] } } },
      },
    },
  });
  t.after(async () => {
    await portico.stop();
    await upstream.close();
  });
  await portico.waitForRouters(3);

  const cases = [
    { desc: 'GET on web: permanent 301 to websecure\'s port', port: web, method: 'GET', path: '/a?b=1', host: 'example.com:80', status: 301, location: `https://example.com:${secure}/a?b=1` },
    { desc: 'POST on web: permanent 308 keeps the method', port: web, method: 'POST', path: '/a', host: 'example.com', status: 308, location: `https://example.com:${secure}/a` },
    { desc: 'temporary redirect to :443 drops the default port', port: other, method: 'GET', path: '/x', host: 'example.com:8000', status: 302, location: 'https://example.com/x' },
    { desc: 'temporary redirect of a PUT is 307', port: other, method: 'PUT', path: '/x', host: 'example.com', status: 307, location: 'https://example.com/x' },
  ];
  for (const c of cases) {
    const res = await send(c.port, c.method, c.path, c.host);
    assert.equal(res.status, c.status, c.desc);
    assert.equal(res.location, c.location, c.desc);
  }
  assert.equal(upstream.received.length, 0, 'redirected requests never reach the service');

  const res = await send(secure, 'GET', '/app/page', 'example.com');
  assert.equal(res.status, 200, 'websecure serves');
  assert.equal(upstream.received.at(-1)?.url, '/page', 'the entrypoint\'s default middleware (stripPrefix) ran');

  // http.sanitizePath (default true): the path is cleaned before routing and forwarding.
  const dirty = await send(secure, 'GET', '/app//page/../other?q=1', 'example.com');
  assert.equal(dirty.status, 200);
  assert.equal(upstream.received.at(-1)?.url, '/other?q=1', 'cleaned, then stripped');
});
