// errors end to end: the real kernel (entrypoint, router, load balancer, undici relay) in this process, a real
// backend and a real error-page server on loopback sockets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import plugins from '../src/index.js';
import { startProxy, type InProcessProxy } from './helpers/in-process-proxy.js';

interface Seen {
  url: string;
  method: string;
  headers: IncomingMessage['headers'];
}

/** A request with any Host header (fetch refuses to set Host). */
function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: IncomingMessage['headers']; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('errors over sockets', () => {
  const pageRequests: Seen[] = [];
  // The backend answers the status named by the path's first segment (/503 → 503), with a body that must never
  // reach the client when the page replaces it.
  const backend = createServer((req, res) => {
    const status = Number((req.url ?? '').split(/[/?]/).find((seg) => /^\d{3}$/.test(seg))) || 200;
    res.writeHead(status, { 'content-type': 'text/plain', 'x-backend': 'yes' });
    res.end(`backend ${status}\n`);
  });
  // The error-page server: /<code>.html pages, echoing the Host it saw.
  const pages = createServer((req, res) => {
    pageRequests.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/html', 'x-page': 'yes' });
    res.end(`<p>page ${req.url} for ${req.headers.host}</p>`);
  });
  let proxy: InProcessProxy;

  before(async () => {
    const backendUrl = await listen(backend);
    const pagesUrl = await listen(pages);
    proxy = await startProxy(plugins, {
      http: {
        routers: {
          app: { rule: 'PathPrefix(`/`)', service: 'app', middlewares: ['pages'] },
          down: { rule: 'PathPrefix(`/down`)', service: 'app', middlewares: ['pagesDown'] },
          broken: { rule: 'PathPrefix(`/broken`)', service: 'app', middlewares: ['pagesGhost'] },
        },
        middlewares: {
          pages: { errors: { status: ['404', '418', '500-599'], service: 'errorPages', query: '/{status}.html?from={originalStatus}', statusRewrites: { '418': 404 } } },
          pagesDown: { errors: { status: ['500-599'], service: 'nowhere', query: '/{status}.html' } },
          pagesGhost: { errors: { status: ['500-599'], service: 'ghost' } },
        },
        services: {
          app: { loadBalancer: { servers: [{ url: backendUrl }] } },
          errorPages: { loadBalancer: { servers: [{ url: pagesUrl }] } },
          // Nothing listens on port 9 (discard) on loopback here: connection refused.
          nowhere: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } },
        },
      },
    });
  });

  after(async () => {
    await proxy?.stop();
    backend.close();
    pages.close();
  });

  test('a 503 from the backend: the page with the original status and the page\'s headers', async () => {
    const res = await send(`${proxy.url}/503/x?q=1`, { headers: { host: 'shop.example' } });
    assert.equal(res.status, 503);
    assert.equal(res.headers['x-page'], 'yes');
    assert.equal(res.headers['x-backend'], undefined);
    assert.equal(res.text, '<p>page /503.html?from=503 for shop.example</p>');
    const seen = pageRequests.at(-1)!;
    assert.equal(seen.method, 'GET');
    assert.equal(seen.headers.host, 'shop.example');
  });

  test('a status outside the ranges passes with the backend\'s body', async () => {
    const res = await fetch(`${proxy.url}/201`);
    assert.equal(res.status, 201);
    assert.equal(await res.text(), 'backend 201\n');
  });

  test('statusRewrites: 418 becomes 404, {originalStatus} says 418', async () => {
    const res = await fetch(`${proxy.url}/418`);
    assert.equal(res.status, 404);
    assert.match(await res.text(), /page \/404\.html\?from=418/);
  });

  test('a POST with a body: the page request is a GET without one', async () => {
    const res = await fetch(`${proxy.url}/500`, { method: 'POST', body: 'x'.repeat(10_000), headers: { 'content-type': 'text/plain' } });
    assert.equal(res.status, 500);
    assert.match(await res.text(), /page \/500\.html/);
    const seen = pageRequests.at(-1)!;
    assert.equal(seen.method, 'GET');
    assert.equal(seen.headers['content-length'], undefined);
  });

  test('keep-alive connections stay usable after a replaced answer', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${proxy.url}/${i % 2 === 0 ? 502 : 200}`);
      assert.equal(res.status, i % 2 === 0 ? 502 : 200);
      await res.text();
    }
  });

  test('an error service that refuses connections: original status, "Bad Gateway"', async () => {
    const res = await send(`${proxy.url}/down/503`);
    assert.equal(res.status, 503);
    assert.equal(res.text, 'Bad Gateway');
  });

  test('a page request the error server answers 404 to: still the original status, its body', async () => {
    const res = await send(`${proxy.url}/404`);
    assert.equal(res.status, 404);
    assert.match(res.text, /page \/404\.html/);
  });

  test('a missing error service disables the routers using the middleware', () => {
    const rt = proxy.runtime();
    assert.equal(rt.routers.get('broken@inline')?.status, 'disabled');
    assert.ok(rt.issues.some((i) => i.path === 'http.middlewares.pagesGhost.errors.service' && /service "ghost@inline" does not exist/.test(i.message)), JSON.stringify(rt.issues));
    assert.equal(rt.routers.get('app@inline')?.status, 'enabled');
  });
});
