// The conformance harness end to end against a fake `portico` (fixtures/fake-portico.mjs), so the runner's
// own logic (config, process start/stop, readiness, accounting, cleanup) is checked without the real kernel:
// the fake forwards every request to the router's upstream unless the rule says NoMatch / Broken(.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/poll.js';
import { startPortico } from '../helpers/portico-process.js';
import type { MiddlewareCase, RuleCase } from './cases.js';
import { planMiddlewares } from './middleware-plan.js';
import type { Outcome } from './results.js';
import { planRules } from './rules-plan.js';
import { runSuite, type SuiteContext } from './suite.js';

const fake = { file: process.execPath, args: [fileURLToPath(new URL('./fixtures/fake-portico.mjs', import.meta.url))] };
const req = (extra: Record<string, unknown> = {}) => ({ method: 'GET', host: 'a.com', path: '/', ...extra });

describe('runSuite with rules.json-shaped cases (fake portico)', () => {
  const cases: (RuleCase & { want: Outcome })[] = [
    { id: 'm1', desc: 'match', rule: 'Host(`a.com`)', request: req(), expectMatch: true, want: 'pass' },
    { id: 'm2', desc: 'no match = 404', rule: 'NoMatch(`x`)', request: req(), expectMatch: false, want: 'pass' },
    { id: 'm3', desc: 'unexpected match fails', rule: 'Host(`b.com`)', request: req(), expectMatch: false, want: 'fail' },
    { id: 'm4', desc: 'missed match fails', rule: 'NoMatch(`a`)', request: req(), expectMatch: true, want: 'fail' },
    { id: 'e1', desc: 'parse error disabled', rule: 'Broken(`x`)', expectError: true, want: 'pass' },
    { id: 'e2', desc: 'parse error expected but enabled', rule: 'Host(`x`)', expectError: true, want: 'fail' },
    { id: 'r1', desc: 'off-loopback client', rule: 'ClientIP(`10.0.0.1`)', request: req({ remoteAddr: '10.0.0.1' }), expectMatch: true, want: 'notRunnable' },
    { id: 'r2', desc: 'other loopback client', rule: 'ClientIP(`127.0.0.3`)', request: req({ remoteAddr: '127.0.0.3:1234' }), expectMatch: true, want: 'pass' },
    { id: 'r3', desc: 'v2 syntax', rule: 'Host(`a.com`)', ruleSyntax: 'v2', request: req(), expectMatch: true, want: 'pass' },
  ];

  test('each case gets the expected outcome, and everything is cleaned up', async () => {
    let ctxSeen: SuiteContext | undefined;
    const tally = await runSuite(
      (ctx) => {
        ctxSeen = ctx;
        return planRules(cases, ctx);
      },
      { command: fake },
    );
    const got = Object.fromEntries(tally.results.map((r) => [r.id, r.outcome]));
    assert.deepEqual(got, Object.fromEntries(cases.map((c) => [c.id, c.want])));
    assert.match(tally.report('rules.json'), /^rules\.json: 5 passed, 3 failed, 1 not runnable/);
    assert.ok(ctxSeen && !existsSync(ctxSeen.tempDir), 'temp dir removed');
  });

  test('a process that dies before ready fails the suite with its output, and cleans up', async () => {
    let tempDir = '';
    await assert.rejects(
      runSuite(
        (ctx) => {
          tempDir = ctx.tempDir;
          return planRules(cases.slice(0, 1), ctx);
        },
        { command: { file: process.execPath, args: ['-e', 'console.error("boom"); process.exit(4)', '--'] } },
      ),
      /exited with code 4[\s\S]*boom/,
    );
    assert.ok(tempDir !== '' && !existsSync(tempDir));
  });
});

describe('runSuite with middlewares.json-shaped cases (fake portico)', () => {
  const base = { source: 'x', config: {}, request: { method: 'GET', path: '/p' } };
  const cases: (MiddlewareCase & { want: Outcome })[] = [
    { ...base, id: 'a', desc: 'not implemented', middleware: 'noSuchMiddleware', expect: { status: 200 }, want: 'notImplemented' },
    { ...base, id: 'b', desc: 'component', middleware: 'rateLimit', request: null, component: 'ratelimiter.New', expect: { maxDelay: '1ms' }, want: 'component' },
    { ...base, id: 'c', desc: 'wire checks pass through the fake', middleware: 'headers', expect: { status: 200, upstreamPath: '/p', upstreamHost: 'example.com' }, want: 'pass' },
    { ...base, id: 'd', desc: 'backend answer forwarded', middleware: 'headers', backend: { status: 201, body: 'hi' }, expect: { status: 201, body: 'hi' }, want: 'pass' },
    { ...base, id: 'e', desc: 'configError on an accepted router fails', middleware: 'headers', request: null, expect: { configError: true }, want: 'fail' },
    { ...base, id: 'f', desc: 'unsupported expectation', middleware: 'headers', expect: { selectedEncoding: 'gzip' }, want: 'notRunnable' },
    {
      ...base,
      id: 'g',
      desc: 'network errors need a round-robin balancer (the fake always picks the first server)',
      middleware: 'retry',
      config: { attempts: 2 },
      backend: { attemptSequence: ['network-error', '200'] },
      expect: { status: 200, retryAttempts: 1 },
      want: 'notRunnable',
    },
    {
      ...base,
      id: 'h',
      desc: 'status-only retry sequence, fake does not retry',
      middleware: 'retry',
      config: { attempts: 3, status: ['503'] },
      backend: { attemptSequence: ['503', '200'] },
      expect: { status: 200, retryAttempts: 1 },
      want: 'fail',
    },
  ];

  test('outcomes per case and per middleware', async () => {
    const tally = await runSuite((ctx) => planMiddlewares(cases, ctx), { command: fake });
    const got = Object.fromEntries(tally.results.map((r) => [r.id, r.outcome]));
    assert.deepEqual(got, Object.fromEntries(cases.map((c) => [c.id, c.want])));
    const g = tally.results.find((r) => r.id === 'g');
    assert.match(g?.reason ?? '', /does not pick each of 2 servers once/);
    assert.deepEqual(tally.groups().get('headers'), { pass: 2, fail: 1, notRunnable: 1, notImplemented: 0, component: 0 });
  });
});

describe('startPortico', () => {
  test('writes the given configuration, waits for routers (paginated), stops and removes its files', async () => {
    const { PortReservations } = await import('../helpers/ports.js');
    const ports = new PortReservations();
    const apiPort = await ports.reserve();
    const epPort = await ports.reserve();
    await ports.releaseAll();
    const routers = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`r${i}`, { entryPoints: ['web'], rule: 'Path(`/`)', service: 's' }]));
    const portico = await startPortico({
      command: fake,
      staticConfig: { entryPoints: { traefik: { address: `127.0.0.1:${apiPort}` }, web: { address: `127.0.0.1:${epPort}` } }, api: { insecure: true } },
      dynamicConfig: { http: { routers, services: { s: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }] } } } } },
    });
    try {
      assert.equal(portico.apiUrl, `http://127.0.0.1:${apiPort}`);
      const listed = await portico.waitForRouters(7);
      assert.equal(listed.length, 7);
      assert.deepEqual(listed.map((r) => r.name).sort(), Object.keys(routers).map((n) => `${n}@file`).sort());
    } finally {
      await portico.stop();
    }
    assert.ok(portico.exited());
    assert.ok(!existsSync(dirname(portico.configFile)), 'owned temp dir removed');
  });

  test('waitForRouters fails fast with the output when the process exits', async () => {
    const portico = await startPortico({
      command: fake,
      env: { FAKE_PORTICO_EXIT: '1' },
      apiPort: 1,
      staticConfig: { entryPoints: { traefik: { address: '127.0.0.1:1' } } },
    });
    const started = Date.now();
    await assert.rejects(portico.waitForRouters(1), /exited with code 3[\s\S]*exiting as asked/);
    assert.ok(Date.now() - started < 5000);
    await portico.stop();
  });
});

describe('waitFor', () => {
  test('resolves with the first truthy value', async () => {
    let n = 0;
    assert.equal(await waitFor(() => (++n >= 3 ? n : undefined), { intervalMs: 1 }), 3);
  });

  test('times out quoting the message and the last error', async () => {
    await assert.rejects(
      waitFor(
        () => {
          throw new Error('ECONNREFUSED');
        },
        { timeoutMs: 50, intervalMs: 5, message: 'the API' },
      ),
      /timed out after 50 ms .* waiting for the API; last error: ECONNREFUSED/,
    );
  });

  test('bail stops at once', async () => {
    await assert.rejects(waitFor(() => false, { timeoutMs: 10_000, bail: () => new Error('gone') }), /^Error: gone$/);
  });
});
