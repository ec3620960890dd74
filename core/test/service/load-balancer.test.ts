// The loadBalancer service over real loopback sockets: active health checks take a dead server out and bring
// it back without a rebuild, sticky cookies hold a client, p2c prefers the idle server, passive checks eject
// a failing server, and configuration errors name their key.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { buildLoadBalancer, type LoadBalancerBuild } from '../../src/service/load-balancer.js';
import { planHealthCheck, probe } from '../../src/service/health-check.js';
import type { LoadBalancerConfig } from '../../src/config/dynamic/schema.js';
import { startBackend, startFront, pools, get, type Backend, type Front } from './lb-helpers.js';
import { waitFor } from '../../../test/helpers/poll.js';

const dispatchers = pools();
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  await dispatchers.close();
});

async function serve(cfg: Omit<LoadBalancerConfig, 'passHostHeader'>, state?: Map<string, unknown>): Promise<{ lb: LoadBalancerBuild; front: Front }> {
  const lb = buildLoadBalancer({ passHostHeader: true, ...cfg }, dispatchers.dispatcherFor, {
    serviceName: 'svc@file',
    state: state && (<T>(k: string, create: () => T) => (state.has(k) ? state.get(k) : state.set(k, create()).get(k)) as T),
  });
  const front = await startFront(lb.handler);
  cleanups.push(() => lb.close(), () => front.close());
  return { lb, front };
}

async function backends(...names: string[]): Promise<Backend[]> {
  const list = await Promise.all(names.map((n) => startBackend(n)));
  cleanups.push(...list.map((b) => () => b.stop()));
  return list;
}

describe('active health check', () => {
  test('a dead server is taken out and returns when healthy, without a rebuild', async () => {
    const [a, b] = await backends('a', 'b');
    const { lb, front } = await serve({ servers: [{ url: a.url }, { url: b.url }], healthCheck: { path: '/health', interval: '50ms', timeout: '500ms' } });
    const heard: boolean[] = [];
    lb.status.onChange((h) => heard.push(h));
    await waitFor(() => a.checks > 0 && b.checks > 0, { message: 'first checks' });

    b.healthStatus = 500;
    await waitFor(() => lb.serverStatus()[b.url] === 'DOWN', { message: 'b marked DOWN' });
    const bodies = new Set<string>();
    for (let i = 0; i < 10; i++) bodies.add((await get(front.url)).body);
    assert.deepEqual([...bodies], ['a'], 'only a serves while b is down');

    b.healthStatus = 200;
    await waitFor(() => lb.serverStatus()[b.url] === 'UP', { message: 'b back UP' });
    for (let i = 0; i < 10; i++) bodies.add((await get(front.url)).body);
    assert.deepEqual([...bodies].sort(), ['a', 'b']);
    assert.deepEqual(heard, [], 'the service stayed healthy throughout');
  });

  test('a killed server (connection refused) goes DOWN; restarted on its port it comes back', async () => {
    const [a, b] = await backends('a', 'b');
    const { lb, front } = await serve({ servers: [{ url: a.url }, { url: b.url }], healthCheck: { path: '/health', interval: '50ms', unhealthyInterval: '30ms' } });
    await a.stop();
    await waitFor(() => lb.serverStatus()[a.url] === 'DOWN', { message: 'a DOWN' });
    for (let i = 0; i < 6; i++) assert.equal((await get(front.url)).body, 'b');
    await a.start();
    await waitFor(() => lb.serverStatus()[a.url] === 'UP', { message: 'a UP again' });
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await get(front.url)).body);
    assert.deepEqual([...seen].sort(), ['a', 'b']);
  });

  test('no healthy server: 503 "no available server" and the status flips both ways', async () => {
    const [a] = await backends('a');
    const { lb, front } = await serve({ servers: [{ url: a.url }], healthCheck: { path: '/health', interval: '40ms' } });
    const heard: boolean[] = [];
    lb.status.onChange((h) => heard.push(h));
    a.healthStatus = 503;
    await waitFor(() => !lb.status.healthy(), { message: 'service unhealthy' });
    const res = await get(front.url);
    assert.equal(res.status, 503);
    assert.equal(res.body, 'no available server\n');
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    a.healthStatus = 204;
    await waitFor(() => lb.status.healthy(), { message: 'service healthy again' });
    assert.deepEqual(heard, [false, true]);
    assert.equal((await get(front.url)).body, 'a');
  });

  const options = [
    { desc: 'expected status: anything else is unhealthy', hc: { status: 204 }, health: 200, want: 'DOWN' },
    { desc: 'expected status matched', hc: { status: 204 }, health: 204, want: 'UP' },
    { desc: 'default: 3xx is healthy when redirects are not followed', hc: { followRedirects: false }, health: 302, want: 'UP' },
    { desc: 'default: 4xx is unhealthy', hc: {}, health: 404, want: 'DOWN' },
    { desc: 'redirects are followed by default: the target decides', hc: {}, health: 302, traffic: 500, want: 'DOWN' },
    { desc: 'a followed redirect to a healthy target is healthy', hc: {}, health: 302, traffic: 200, want: 'UP' },
  ];
  for (const c of options) {
    test(c.desc, async () => {
      const [a] = await backends('a');
      a.healthStatus = c.health;
      a.status = 'traffic' in c ? c.traffic! : 200;
      const { plan, issues } = planHealthCheck({ path: '/health', ...c.hc });
      assert.deepEqual(issues, []);
      const reason = await probe(plan, plan.urlFor(a.url), dispatchers.dispatcherFor, AbortSignal.timeout(5000));
      assert.equal(reason === undefined ? 'UP' : 'DOWN', c.want, reason);
    });
  }

  test('hostname, method, headers, path and port are applied to the check', async () => {
    const [a, checker] = await backends('a', 'checker');
    const { lb } = await serve({
      servers: [{ url: a.url }],
      healthCheck: { path: '/health?x=1', port: checker.port, hostname: 'health.example', method: 'head', headers: { 'X-Custom': 'yes' }, interval: '1s' },
    });
    await waitFor(() => checker.checks > 0, { message: 'check sent to the health port' });
    assert.equal(a.checks, 0, 'the traffic port gets no check');
    assert.deepEqual(checker.lastCheck, { host: 'health.example', method: 'HEAD', url: '/health?x=1', custom: 'yes' });
    assert.equal(lb.serverStatus()[a.url], 'UP');
  });

  test('a check slower than timeout counts as a failure', async () => {
    const [a] = await backends('a');
    a.delayMs = 400; // the backend answers paths outside /health after 400 ms
    const { lb } = await serve({ servers: [{ url: a.url }], healthCheck: { path: '/slow', interval: '1s', timeout: '50ms' } });
    await waitFor(() => lb.serverStatus()[a.url] === 'DOWN', { message: 'timed-out check marks DOWN' });
  });

  test('close() stops the checks', async () => {
    const [a] = await backends('a');
    const { lb } = await serve({ servers: [{ url: a.url }], healthCheck: { path: '/health', interval: '20ms' } });
    await waitFor(() => a.checks >= 2, { message: 'checks running' });
    lb.close();
    await delay(100); // a check already on the wire may still land
    const n = a.checks;
    await delay(200); // ten intervals: a running timer would have checked again
    assert.equal(a.checks, n, 'no check after close()');
  });

  test('the last known status survives a rebuild (state shared between generations)', async () => {
    const [a, b] = await backends('a', 'b');
    const state = new Map<string, unknown>();
    const cfg = { servers: [{ url: a.url }, { url: b.url }], healthCheck: { path: '/health', interval: '10s', unhealthyInterval: '10s' } };
    b.healthStatus = 500;
    const first = await serve(cfg, state);
    await waitFor(() => first.lb.serverStatus()[b.url] === 'DOWN', { message: 'b DOWN in the first generation' });
    first.lb.close();
    const second = await serve(cfg, state);
    assert.equal(second.lb.serverStatus()[b.url], 'DOWN', 'no traffic to b after the rebuild');
    for (let i = 0; i < 4; i++) assert.equal((await get(second.front.url)).body, 'a');
  });
});

describe('sticky cookie', () => {
  test('keeps a client on one server, moves it when its server dies', async () => {
    const [a, b, c] = await backends('a', 'b', 'c');
    const { front } = await serve({
      servers: [{ url: a.url }, { url: b.url }, { url: c.url }],
      sticky: { cookie: { httpOnly: true, sameSite: 'lax' } },
      healthCheck: { path: '/health', interval: '40ms' },
    });
    const first = await get(front.url);
    const setCookie = first.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^_[0-9a-f]{5}=[0-9a-f]{16}; Path=\/; HttpOnly; SameSite=Lax$/);
    const cookie = setCookie.split(';')[0];
    for (let i = 0; i < 20; i++) {
      const res = await get(front.url, { cookie });
      assert.equal(res.body, first.body, 'same server every time');
      assert.equal(res.headers.get('set-cookie'), null, 'no new cookie while it holds');
    }
    const home = [a, b, c].find((x) => x.name === first.body)!;
    home.healthStatus = 500;
    await waitFor(async () => (await get(front.url, { cookie })).body !== home.name, { message: 'client moved off its dead server' });
    const moved = await get(front.url, { cookie });
    assert.notEqual(moved.body, home.name);
    const newCookie = moved.headers.get('set-cookie')?.split(';')[0];
    assert.ok(newCookie && newCookie !== cookie, 'the cookie is reset to the new server');
    for (let i = 0; i < 5; i++) assert.equal((await get(front.url, { cookie: newCookie })).body, moved.body);
  });

  test('clients without a cookie are balanced', async () => {
    const [a, b] = await backends('a', 'b');
    const { front } = await serve({ servers: [{ url: a.url }, { url: b.url }], sticky: { cookie: { name: 'lb' } } });
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await get(front.url)).body);
    assert.deepEqual([...seen].sort(), ['a', 'b']);
  });
});

describe('p2c strategy', () => {
  test('prefers the server with fewer requests in flight', async () => {
    const [slow, fast] = await backends('slow', 'fast');
    const { front } = await serve({ servers: [{ url: slow.url }, { url: fast.url }], strategy: 'p2c' });
    // Park one request on `slow` for as long as the test runs (ties between idle servers go either way, so
    // retry until one lands there); it is aborted at the end.
    slow.delayMs = 30_000;
    const abort = new AbortController();
    let parked = false;
    for (let i = 0; i < 20 && !parked; i++) {
      const before = slow.hits;
      const pending = fetch(front.url, { signal: abort.signal }).then((r) => r.text()).catch(() => '');
      await waitFor(() => slow.hits > before || fast.hits > 0, { message: 'request arrived' });
      parked = slow.hits > before;
      if (!parked) await pending;
      fast.hits = 0;
    }
    assert.ok(parked, 'a request was parked on the slow server');
    // With two servers p2c draws both every time: while slow is busy, everything goes to fast.
    const bodies: string[] = [];
    for (let i = 0; i < 10; i++) bodies.push((await get(front.url)).body);
    abort.abort();
    assert.deepEqual(new Set(bodies), new Set(['fast']));
  });

  test('spreads concurrent load over the servers', async () => {
    const list = await backends('a', 'b', 'c');
    for (const b of list) b.delayMs = 50;
    const { front } = await serve({ servers: list.map((b) => ({ url: b.url })), strategy: 'p2c' });
    await Promise.all(Array.from({ length: 30 }, () => get(front.url)));
    for (const b of list) assert.ok(b.hits >= 5, `each server took a share: ${list.map((x) => x.hits).join(', ')}`);
  });
});

describe('passive health check', () => {
  test('a server failing maxFailedAttempts requests is out for failureWindow, then back', async () => {
    const [a, b] = await backends('a', 'b');
    b.status = 502;
    const { lb, front } = await serve({ servers: [{ url: a.url }, { url: b.url }], passiveHealthCheck: { maxFailedAttempts: 2, failureWindow: '1500ms' } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(front.url)).status);
    assert.deepEqual(statuses.sort(), [200, 200, 502, 502], 'b fails twice before being ejected');
    assert.equal(lb.serverStatus()[b.url], 'DOWN');
    for (let i = 0; i < 5; i++) assert.equal((await get(front.url)).body, 'a');
    b.status = 200;
    await waitFor(() => lb.serverStatus()[b.url] === 'UP', { message: 'b back after the window', timeoutMs: 5000 });
    assert.equal(lb.status.healthy(), true);
  });

  test('a connection failure counts as a failed attempt', async () => {
    const [a, b] = await backends('a', 'b');
    await b.stop();
    const { lb, front } = await serve({ servers: [{ url: a.url }, { url: b.url }], passiveHealthCheck: { maxFailedAttempts: 1, failureWindow: '10s' } });
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await get(front.url)).status);
    assert.deepEqual(statuses.sort(), [200, 502]);
    assert.equal(lb.serverStatus()[b.url], 'DOWN');
    for (let i = 0; i < 3; i++) assert.equal((await get(front.url)).status, 200, 'the dead server gets no more requests');
  });

  test('only consecutive failures count: a success in between starts over', async () => {
    const [a, b] = await backends('a', 'b');
    const { lb, front } = await serve({ servers: [{ url: a.url }, { url: b.url }], passiveHealthCheck: { maxFailedAttempts: 2, failureWindow: '10s' } });
    // Round robin alternates a, b: b answers 500, 200, 500, 200 — never two failures in a row.
    for (let i = 0; i < 8; i++) {
      if (i % 2 === 0) b.status = b.status === 500 ? 200 : 500;
      await get(front.url);
    }
    assert.equal(b.hits, 4);
    assert.equal(lb.serverStatus()[b.url], 'UP');
  });
});

describe('configuration errors name their key', () => {
  const cases = [
    { desc: 'hrw strategy', cfg: { strategy: 'hrw' as const }, path: 'loadBalancer.strategy', message: /not supported yet/ },
    { desc: 'leasttime strategy', cfg: { strategy: 'leasttime' as const }, path: 'loadBalancer.strategy', message: /not supported yet/ },
    { desc: 'grpc health check', cfg: { healthCheck: { mode: 'grpc' as const } }, path: 'loadBalancer.healthCheck.mode', message: /gRPC/ },
    { desc: 'health check scheme', cfg: { healthCheck: { scheme: 'ftp' } }, path: 'loadBalancer.healthCheck.scheme', message: /ftp/ },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      assert.throws(
        () => buildLoadBalancer({ passHostHeader: true, servers: [{ url: 'http://127.0.0.1:9' }], ...c.cfg }, dispatchers.dispatcherFor),
        (err: Error & { path?: string }) => err.path === c.path && c.message.test(err.message),
      );
    });
  }

  test('a non-positive interval is a warning and the default applies', () => {
    const lb = buildLoadBalancer({ passHostHeader: true, servers: [{ url: 'http://127.0.0.1:9' }], healthCheck: { interval: '0s' } }, dispatchers.dispatcherFor);
    lb.close();
    assert.deepEqual(lb.warnings.map((w) => w.path), ['loadBalancer.healthCheck.interval']);
  });

  test('without a health check the status is ALWAYS_HEALTHY and no checks run', () => {
    const lb = buildLoadBalancer({ passHostHeader: true, servers: [{ url: 'http://127.0.0.1:9' }] }, dispatchers.dispatcherFor);
    assert.equal(lb.healthChecked, false);
    assert.equal(lb.status.healthy(), true);
    assert.deepEqual(lb.serverStatus(), { 'http://127.0.0.1:9': 'UP' });
  });
});
