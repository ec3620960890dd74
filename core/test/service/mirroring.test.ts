// Mirroring service on real sockets: the main answer is untouched, mirrors get copies (percent, body rules),
// and a slow or dead mirror neither slows nor fails the main request.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'undici';
import { pino } from 'pino';
import { buildMirroring } from '../../src/service/mirroring.js';
import { buildLoadBalancer } from '../../src/service/load-balancer.js';
import type { ChildService } from '../../src/service/service-build.js';
import type { MirroringConfig } from '../../src/config/dynamic/schema.js';
import { serveHandler } from './helpers.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const closers: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

/** A backend that records requests and answers `name` (after `delayMs`). */
async function backend(name: string, delayMs = 0): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (delayMs > 0) await delay(delayMs);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(name);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function service(name: string, url: string, path: string): ChildService {
  const lb = buildLoadBalancer({ servers: [{ url }], passHostHeader: true }, (origin) => {
    const pool = new Pool(origin);
    closers.push(() => pool.destroy());
    return pool;
  });
  return { name, path, handler: lb.handler, status: lb.status, healthChecked: lb.healthChecked };
}

async function mirroringProxy(mirrors: { url: string; percent: number }[], mainUrl: string, extra: Partial<MirroringConfig> = {}) {
  const cfg: MirroringConfig = { service: 'main', mirrorBody: true, maxBodySize: -1, mirrors: mirrors.map((m, i) => ({ name: `m${i}`, percent: m.percent })), ...extra };
  const built = buildMirroring(
    cfg,
    service('main@file', mainUrl, 'mirroring.service'),
    mirrors.map((m, i) => service(`m${i}@file`, m.url, `mirroring.mirrors[${i}].name`)),
    pino({ level: 'silent' }),
  );
  const proxy = await serveHandler(built.handler);
  closers.push(() => proxy.close());
  return proxy.url;
}

/** One request through the proxy with a (possibly chunked) body; resolves with status, body and latency. */
function send(url: string, opts: { method?: string; body?: string; chunked?: boolean } = {}): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined && !opts.chunked) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = httpRequest(`${url}/path?q=1`, { method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'), headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }));
    });
    req.on('error', reject);
    if (opts.body !== undefined && opts.chunked) {
      // Two writes: the body arrives in pieces, as a streaming upload would.
      const half = Math.floor(opts.body.length / 2);
      req.write(opts.body.slice(0, half));
      req.end(opts.body.slice(half));
    } else req.end(opts.body);
  });
}

async function until(cond: () => boolean, message: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await delay(10);
  }
}

describe('mirroring', () => {
  test('percent is Traefik\'s exact counter: 100 % all, 30 % three of ten, 0 % none', async () => {
    const main = await backend('main');
    const all = await backend('all');
    const some = await backend('some');
    const none = await backend('none');
    const url = await mirroringProxy([{ url: all.url, percent: 100 }, { url: some.url, percent: 30 }, { url: none.url, percent: 0 }], main.url);
    for (let i = 0; i < 10; i++) assert.equal((await send(url)).body, 'main');
    await until(() => all.seen.length === 10 && some.seen.length === 3, 'mirrored copies');
    assert.equal(none.seen.length, 0);
    assert.equal(main.seen.length, 10);
    assert.equal(all.seen[0].url, '/path?q=1', 'the copy keeps path and query');
  });

  const bodies = [
    { description: 'a sized body is copied to the mirror', chunked: false, extra: {}, mirrored: 'hello mirror' },
    { description: 'a chunked body is copied too', chunked: true, extra: {}, mirrored: 'hello mirror' },
    { description: 'mirrorBody: false sends the copy without a body', chunked: false, extra: { mirrorBody: false }, mirrored: '' },
    { description: 'a body within maxBodySize is copied', chunked: false, extra: { maxBodySize: 12 }, mirrored: 'hello mirror' },
  ];
  for (const c of bodies) {
    test(c.description, async () => {
      const main = await backend('main');
      const mirror = await backend('mirror');
      const url = await mirroringProxy([{ url: mirror.url, percent: 100 }], main.url, c.extra);
      const res = await send(url, { body: 'hello mirror', chunked: c.chunked });
      assert.deepEqual([res.status, res.body], [200, 'main']);
      assert.equal(main.seen[0].body, 'hello mirror', 'the main service gets the whole body');
      await until(() => mirror.seen.length === 1, 'the copy');
      assert.equal(mirror.seen[0].method, 'POST');
      assert.equal(mirror.seen[0].body, c.mirrored);
      if (c.mirrored === '') assert.ok([undefined, '0'].includes(mirror.seen[0].headers['content-length']), 'the copy announces no body');
    });
  }

  test('a body larger than maxBodySize reaches the main service whole and is not mirrored', async () => {
    const main = await backend('main');
    const mirror = await backend('mirror');
    const url = await mirroringProxy([{ url: mirror.url, percent: 100 }], main.url, { maxBodySize: 5 });
    const big = 'x'.repeat(200_000);
    const res = await send(url, { body: big, chunked: true });
    assert.equal(res.status, 200);
    assert.equal(main.seen[0].body.length, big.length);
    assert.equal(main.seen[0].body, big);
    // A request without a body still mirrors: the copy of the large one was skipped, not delayed.
    await send(url);
    await until(() => mirror.seen.length === 1, 'the copy of the small request');
    assert.equal(mirror.seen[0].method, 'GET');
  });

  test('a slow mirror (2 s) does not slow the main request, and still gets its copy', async () => {
    const main = await backend('main');
    const slow = await backend('slow', 2000);
    const url = await mirroringProxy([{ url: slow.url, percent: 100 }], main.url);
    const res = await send(url, { body: 'payload' });
    assert.equal(res.body, 'main');
    assert.ok(res.ms < 300, `main request took ${res.ms.toFixed(0)} ms`);
    await until(() => slow.seen.length === 1, 'the slow mirror to receive the copy');
    assert.equal(slow.seen[0].body, 'payload');
  });

  test('a mirror that is down does not fail or slow the main request', async () => {
    const main = await backend('main');
    const url = await mirroringProxy([{ url: 'http://127.0.0.1:9', percent: 100 }], main.url);
    for (let i = 0; i < 3; i++) {
      const res = await send(url, { body: 'x' });
      assert.deepEqual([res.status, res.body], [200, 'main']);
      assert.ok(res.ms < 300, `main request took ${res.ms.toFixed(0)} ms`);
    }
  });
});
