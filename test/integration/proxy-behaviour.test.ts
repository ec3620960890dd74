// What the proxy does to requests and responses, over real sockets: errors (404/502/504), forwarded and
// hop-by-hop headers, Host handling, streaming both ways, WebSocket upgrades.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { request as httpRequest } from 'node:http';
import { startPortico, type PorticoProcess } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

interface Env {
  web: number;
  portico: PorticoProcess;
  echo: Upstream;
}

async function setup(t: { after: (fn: () => Promise<void>) => void }): Promise<Env> {
  const echo = await startUpstream();
  const hang = await startUpstream(() => undefined); // never answers
  const stream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: first\n\n');
    setTimeout(() => res.end('data: last\n\n'), 300);
  });
  const big = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 16; i++) res.write(chunk);
    res.end();
  });
  echo.server.on('upgrade', (req, socket) => {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Seen-Path: ${req.url}\r\n\r\n`);
    socket.on('data', (d) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
  });
  const ports = new PortReservations();
  const web = await ports.reserve();
  const api = await ports.reserve();
  const closed = await ports.reserve(); // reserved then released: nothing listens there
  await ports.releaseAll();
  const lb = (url: string, extra: Record<string, unknown> = {}) => ({ loadBalancer: { servers: [{ url }], ...extra } });
  const portico = await startPortico({
    apiPort: api,
    staticConfig: {
      entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
      api: { insecure: true },
      serversTransport: { forwardingTimeouts: { responseHeaderTimeout: '300ms' } },
    },
    dynamicConfig: {
      http: {
        routers: {
          echo: { rule: 'PathPrefix(`/echo`)', service: 'echo', entryPoints: ['web'] },
          nohost: { rule: 'PathPrefix(`/nohost`)', service: 'nohost', entryPoints: ['web'] },
          refused: { rule: 'PathPrefix(`/refused`)', service: 'refused', entryPoints: ['web'] },
          hang: { rule: 'PathPrefix(`/hang`)', service: 'hang', entryPoints: ['web'] },
          stream: { rule: 'PathPrefix(`/stream`)', service: 'stream', entryPoints: ['web'] },
          big: { rule: 'PathPrefix(`/big`)', service: 'big', entryPoints: ['web'] },
          empty: { rule: 'PathPrefix(`/empty`)', service: 'empty', entryPoints: ['web'] },
        },
        services: {
          echo: lb(echo.url),
          nohost: lb(echo.url, { passHostHeader: false }),
          refused: lb(`http://127.0.0.1:${closed}`),
          hang: lb(hang.url),
          stream: lb(stream.url),
          big: lb(big.url),
          empty: { loadBalancer: { servers: [] } },
        },
      },
    },
  });
  t.after(async () => {
    await portico.stop();
    assert.equal(portico.exited()?.code, 0, `portico stops by itself on SIGTERM:\n${portico.output()}`);
    for (const u of [echo, hang, stream, big]) await u.close();
  });
  await portico.waitForRouters(8);
  return { web, portico, echo };
}

test('proxy behaviour over real sockets', { timeout: 60_000 }, async (t) => {
  const env = await setup(t);
  const base = `http://127.0.0.1:${env.web}`;

  await t.test('status and body when nothing or nobody answers', async () => {
    const cases = [
      { desc: 'no router matches: Go\'s 404 text', path: '/nowhere', status: 404, body: '404 page not found\n' },
      { desc: 'upstream refuses the connection: 502', path: '/refused', status: 502, body: 'Bad Gateway' },
      { desc: 'upstream too slow for responseHeaderTimeout: 504', path: '/hang', status: 504, body: 'Gateway Timeout' },
      { desc: 'service without servers: 503 with Traefik\'s errNoAvailableServer text', path: '/empty', status: 503, body: 'no available server\n' },
    ];
    for (const c of cases) {
      const res = await fetch(base + c.path);
      assert.equal(res.status, c.status, c.desc);
      assert.equal(await res.text(), c.body, c.desc);
    }
  });

  await t.test('forwarded and hop-by-hop headers', async () => {
    // node:http rather than fetch: fetch refuses to send a Connection header naming other headers.
    const status = await new Promise<number>((resolve, reject) => {
      httpRequest(`${base}/echo/h`, {
        headers: { 'x-forwarded-for': '6.6.6.6', 'x-real-ip': '6.6.6.6', connection: 'keep-alive, x-secret', 'x-secret': 'hop', 'x-custom': 'kept' },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }).on('error', reject).end();
    });
    assert.equal(status, 200);
    const got = env.echo.received.at(-1)!.headers;
    const cases: [string, string | undefined][] = [
      ['x-forwarded-for', '127.0.0.1'], // untrusted client's value dropped, client IP appended
      ['x-real-ip', '127.0.0.1'],
      ['x-forwarded-proto', 'http'],
      ['x-forwarded-host', `127.0.0.1:${env.web}`],
      ['x-forwarded-port', String(env.web)],
      ['x-forwarded-server', hostname()],
      ['x-secret', undefined], // named by Connection: hop-by-hop
      ['x-custom', 'kept'],
      ['host', `127.0.0.1:${env.web}`], // passHostHeader defaults to true
    ];
    for (const [name, value] of cases) assert.equal(got[name], value, name);
  });

  await t.test('malformed requests get 400 before routing', async () => {
    const raw = (bytes: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(env.web, '127.0.0.1');
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('end', () => resolve(data));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
        socket.write(bytes);
        setTimeout(() => socket.end(), 300).unref();
      });
    const cases = [
      { desc: 'header line without a colon', bytes: 'GET /echo HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n' },
      { desc: 'invalid percent-encoding (Go refuses it)', bytes: 'GET /echo/a%zz HTTP/1.1\r\nHost: x\r\n\r\n' },
    ];
    for (const c of cases) assert.match(await raw(c.bytes), /^HTTP\/1\.1 400 /, c.desc);
  });

  await t.test('passHostHeader: false sends the server host', async () => {
    await (await fetch(`${base}/nohost`)).text();
    assert.equal(env.echo.received.at(-1)!.headers.host, `127.0.0.1:${env.echo.port}`);
  });

  await t.test('request and response bodies stream through', async () => {
    const payload = Buffer.alloc(1024 * 1024, 'p');
    const res = await fetch(`${base}/echo/upload`, { method: 'POST', body: payload });
    const echoed = JSON.parse(await res.text()) as { body: string };
    assert.equal(echoed.body.length, payload.length);
    const big = await fetch(`${base}/big`);
    assert.equal((await big.arrayBuffer()).byteLength, 16 * 64 * 1024);
  });

  await t.test('a streamed response arrives before it ends (SSE)', async () => {
    const started = Date.now();
    const first = await new Promise<number>((resolve, reject) => {
      httpRequest(`${base}/stream`, (res) => {
        res.once('data', () => resolve(Date.now() - started));
        res.resume();
      })
        .on('error', reject)
        .end();
    });
    assert.ok(first < 250, `first event after ${first} ms; the upstream ends after 300 ms`);
  });

  await t.test('WebSocket upgrade is proxied both ways', async () => {
    const socket = connect(env.web, '127.0.0.1');
    socket.write(`GET /echo/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    let data = '';
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (d) => {
        data += d.toString();
        if (data.includes('\r\n\r\n') && !data.includes('echo:')) socket.write('ping');
        if (data.includes('echo:ping')) resolve();
      });
      socket.on('error', reject);
      setTimeout(() => reject(new Error(`no echo; got ${JSON.stringify(data)}`)), 5000).unref();
    });
    socket.destroy();
    assert.match(data, /^HTTP\/1.1 101/);
    assert.match(data, /x-seen-path: \/echo\/ws/i);
  });
});
