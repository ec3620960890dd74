// The loadBalancer service end to end, through the real `portico` process: an active health check takes a
// killed server out and brings it back when it restarts (no configuration change), the API shows each
// server's UP/DOWN, and a sticky cookie keeps a client on one server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPortico, type PorticoProcess } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { waitFor } from '../helpers/poll.js';

/** An upstream answering its name that can be stopped and restarted on the same port. */
class NamedUpstream {
  port = 0;
  private server: http.Server | undefined;
  constructor(readonly name: string) {}
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(req.url?.startsWith('/health') ? 'ok' : this.name));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

describe('loadBalancer service through portico', () => {
  const a = new NamedUpstream('a');
  const b = new NamedUpstream('b');
  let portico: PorticoProcess;
  let web = 0;
  let api = 0;

  before(async () => {
    await a.start();
    await b.start();
    const ports = new PortReservations();
    web = await ports.reserve();
    api = await ports.reserve();
    await ports.releaseAll();
    portico = await startPortico({
      apiPort: api,
      staticConfig: {
        entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
        api: { insecure: true },
      },
      dynamicConfig: {
        http: {
          routers: {
            checked: { rule: 'PathPrefix(`/checked`)', service: 'checked' },
            sticky: { rule: 'PathPrefix(`/sticky`)', service: 'sticky' },
          },
          services: {
            checked: { loadBalancer: { servers: [{ url: a.url }, { url: b.url }], healthCheck: { path: '/health', interval: '100ms', timeout: '1s' } } },
            sticky: { loadBalancer: { servers: [{ url: a.url }, { url: b.url }], sticky: { cookie: { name: 'lb', httpOnly: true } } } },
          },
        },
      },
    });
    await portico.waitForRouters(3);
  });

  after(async () => {
    await portico?.stop();
    await a.stop();
    await b.stop();
  });

  const body = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://127.0.0.1:${web}${path}`, { headers });
    return { status: res.status, text: await res.text(), setCookie: res.headers.get('set-cookie') };
  };
  const serverStatus = async (): Promise<Record<string, string> | undefined> => {
    const res = await fetch(`http://127.0.0.1:${api}/api/http/services/checked@file`);
    return ((await res.json()) as { serverStatus?: Record<string, string> }).serverStatus;
  };

  test('a killed server leaves the rotation and returns when it restarts, without a reload', async () => {
    await waitFor(async () => (await serverStatus())?.[b.url] === 'UP', { message: 'serverStatus shown as UP' });
    await b.stop();
    await waitFor(async () => (await serverStatus())?.[b.url] === 'DOWN', { message: 'b reported DOWN' });
    for (let i = 0; i < 6; i++) assert.deepEqual(await body('/checked'), { status: 200, text: 'a', setCookie: null });
    await b.start();
    await waitFor(async () => (await serverStatus())?.[b.url] === 'UP', { message: 'b reported UP again' });
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await body('/checked')).text);
    assert.deepEqual([...seen].sort(), ['a', 'b']);
  });

  test('a sticky cookie keeps a client on one server', async () => {
    const first = await body('/sticky');
    assert.match(first.setCookie ?? '', /^lb=[0-9a-f]{16}; Path=\/; HttpOnly$/);
    const cookie = first.setCookie!.split(';')[0];
    for (let i = 0; i < 10; i++) assert.equal((await body('/sticky', { cookie })).text, first.text);
    const other = new Set<string>();
    for (let i = 0; i < 4; i++) other.add((await body('/sticky')).text);
    assert.deepEqual([...other].sort(), ['a', 'b'], 'clients without the cookie are still balanced');
  });
});
