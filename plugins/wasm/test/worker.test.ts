/**
 * `runtime: extism-worker`: the same modules under @extism/extism 1.0.3 in a worker thread, over real sockets.
 * Same answers as the portico runtime, WASI modules accepted (and refused by the portico runtime), a loop
 * stopped by the timeout with the next request served, traps and errors → 500, no mix-ups under concurrency.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WasmLoadError, type WasmMiddlewareOptions } from '../src/index.js';
import { plainExecArgv } from '../src/worker/extism-worker-fix.js';
import { buildFixture, type CapturingLogger } from './helpers/load.js';
import { fakeUpstream, startHarness, type Harness, type TestRequest } from '../../../test/helpers/middleware-harness.js';

const WORKER: Partial<WasmMiddlewareOptions> = { runtime: 'extism-worker', limits: { maxMemoryPages: 16, fuel: 1, timeout: '1s' } }; // 1 s: a loaded CI machine saw a healthy call take 300 ms

interface Running {
  h: Harness;
  upstream: ReturnType<typeof fakeUpstream>;
  log: CapturingLogger;
  close(): Promise<void>;
}

/** The fixture behind a harness; close() also stops the element's worker (the kernel's cleanup). */
async function run(fixture: string, options: Record<string, unknown> = {}, overrides: Partial<WasmMiddlewareOptions> = WORKER): Promise<Running> {
  const { mw, log, ctx } = await buildFixture(fixture, options, overrides);
  const upstream = fakeUpstream({ status: 200, body: 'upstream' });
  const h = await startHarness({ middlewares: mw, terminal: upstream.handler });
  return {
    h,
    upstream,
    log,
    async close() {
      await h.close();
      await ctx.runCleanups();
    },
  };
}

const errors = (log: CapturingLogger) => log.entries.filter((e) => e.level === 'error').map((e) => e.msg);

describe('extism-worker runtime', () => {
  test('header fixture: the same answers as the portico runtime', async () => {
    const options = { greeting: 'bonjour', apiKey: 's3cret' };
    const requests: Array<{ what: string; req: TestRequest }> = [
      { what: 'plain request: header set, secret removed', req: { path: '/', headers: { 'x-internal-secret': 'x' } } },
      { what: '/admin without the key: 403', req: { path: '/admin/users?x=1' } },
      { what: '/admin with the key: passes', req: { path: '/admin', headers: { 'x-api-key': 's3cret' } } },
      { what: '/admin with a wrong key: 403', req: { path: '/admin', headers: { 'x-api-key': 'wrong' } } },
    ];
    const answers: Record<string, unknown[]> = {};
    for (const runtime of ['portico', 'extism-worker'] as const) {
      const r = await run('header', options, { runtime });
      try {
        answers[runtime] = [];
        for (const { what, req } of requests) {
          const res = await r.h.request(req);
          const seen = r.upstream.calls.at(-1);
          answers[runtime].push({ what, status: res.status, body: res.body, upstreamHeaders: res.status === 200 ? { mw: seen?.headers['x-wasm-mw'], secret: seen?.headers['x-internal-secret'] } : null });
        }
        assert.deepEqual(errors(r.log), []);
      } finally {
        await r.close();
      }
    }
    assert.deepEqual(answers['extism-worker'], answers.portico);
    assert.equal((answers.portico[0] as { upstreamHeaders: { mw: string } }).upstreamHeaders.mw, 'bonjour');
    assert.equal((answers.portico[1] as { status: number }).status, 403);
  });

  test('a WASI module is refused by the portico runtime with a pointer to extism-worker', async () => {
    await assert.rejects(buildFixture('worker-wasi', {}, { runtime: 'portico' }), (err: Error) => {
      assert.ok(err instanceof WasmLoadError);
      assert.match(err.message, /worker-wasi\.wasm: import "wasi_snapshot_preview1" "random_get": WASI is not available in the portico runtime \(use runtime: extism-worker\)/);
      return true;
    });
  });

  test('the WASI module works in worker mode (random_get, clock_time_get) and headers reach the upstream', async () => {
    const r = await run('worker-wasi');
    try {
      const res = await r.h.request({ headers: { 'x-id': 'abc' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-id-back'], 'abc');
      assert.equal(r.upstream.calls[0].headers['x-wasi'], 'ok');
      assert.equal(r.upstream.calls[0].headers['x-seen'], 'abc');
    } finally {
      await r.close();
    }
  });

  const faults = [
    { fault: 'spin', reason: /failed: timeout: handle_request did not finish within 1000 ms \(worker restarted\)/, maxMs: 3000 },
    { fault: 'hostloop', reason: /failed: timeout: handle_request did not finish within 1000 ms/, maxMs: 3000 },
    { fault: 'trap', reason: /failed: trap: unreachable/, maxMs: 1000 },
    { fault: 'fail', reason: /failed: handle_request failed: boom$/, maxMs: 1000 },
    { fault: 'grow', reason: /failed: trap: unreachable/, maxMs: 1000 },
  ];
  for (const f of faults) {
    test(`x-fault: ${f.fault} → 500 with the reason logged; the next request is answered normally`, async () => {
      const r = await run('worker-wasi');
      try {
        assert.equal((await r.h.request()).status, 200);
        const started = performance.now();
        const bad = await r.h.request({ headers: { 'x-fault': f.fault } });
        const ms = performance.now() - started;
        assert.equal(bad.status, 500);
        assert.ok(ms < f.maxMs, `took ${ms} ms`);
        assert.equal(errors(r.log).length, 1);
        assert.match(errors(r.log)[0], f.reason);
        const ok = await r.h.request({ headers: { 'x-id': 'after' } });
        assert.equal(ok.status, 200);
        assert.equal(ok.headers['x-id-back'], 'after');
        assert.equal(r.upstream.calls.length, 2);
        assert.equal(r.h.errors.length, 0);
      } finally {
        await r.close();
      }
    });
  }

  test('a request queued behind a looping one is served by the new worker', async () => {
    const r = await run('worker-wasi');
    try {
      assert.equal((await r.h.request()).status, 200);
      const [looping, queued] = await Promise.all([r.h.request({ headers: { 'x-fault': 'spin' } }), r.h.request({ headers: { 'x-id': 'queued' } })]);
      assert.equal(looping.status, 500);
      assert.equal(queued.status, 200);
      assert.equal(queued.headers['x-id-back'], 'queued');
    } finally {
      await r.close();
    }
  });

  test('timeouts leak nothing but the dead workers: handles and timers return to the baseline', async () => {
    const r = await run('worker-wasi');
    const count = () => process.getActiveResourcesInfo().filter((x) => x === 'Timeout' || x === 'MessagePort').length;
    try {
      assert.equal((await r.h.request()).status, 200);
      const baseline = count();
      for (let i = 0; i < 4; i++) {
        assert.equal((await r.h.request({ headers: { 'x-fault': i % 2 === 0 ? 'spin' : 'hostloop' } })).status, 500);
        assert.equal((await r.h.request()).status, 200);
      }
      await new Promise((resolve) => setTimeout(resolve, 700)); // past the SDK's 500 ms host-side wait
      assert.ok(count() <= baseline, `active handles grew from ${baseline} to ${count()}: ${process.getActiveResourcesInfo().join(', ')}`);
    } finally {
      await r.close();
    }
  });

  test('20 concurrent requests each get their own answer', async () => {
    // This checks isolation, not timeouts: a generous limit so a loaded CI machine (a 300 ms call was seen)
    // cannot turn one request into a timeout 500.
    const r = await run('worker-wasi', {}, { ...WORKER, limits: { maxMemoryPages: 16, fuel: 1, timeout: '10s' } });
    try {
      const ids = Array.from({ length: 20 }, (_, i) => `req-${i}-${'x'.repeat(i)}`);
      const answers = await Promise.all(ids.map((id) => r.h.request({ path: `/${id}`, headers: { 'x-id': id } })));
      assert.deepEqual(
        answers.map((a) => [a.status, a.headers['x-id-back']]),
        ids.map((id) => [200, id]),
        `errors logged: ${JSON.stringify(errors(r.log))}`,
      );
      for (const call of r.upstream.calls) assert.equal(`/${call.headers['x-seen']}`, call.path);
      assert.equal(r.upstream.calls.length, 20);
    } finally {
      await r.close();
    }
  });

  test('load errors: unknown imports, allowedHosts with the portico runtime, a bad timeout', async () => {
    const cases = [
      { what: 'allowedHosts needs the worker runtime', overrides: { runtime: 'portico', allowedHosts: ['example.com'] }, message: /allowedHosts only applies to runtime: extism-worker/ },
      { what: 'timeout below 1ms', overrides: { ...WORKER, limits: { maxMemoryPages: 16, fuel: 1, timeout: '0s' } }, message: /limits\.timeout must be at least 1ms/ },
      { what: 'memory minimum above the cap', overrides: { ...WORKER, limits: { maxMemoryPages: 1, fuel: 1 } }, message: null },
    ] as const;
    for (const c of cases) {
      const attempt = buildFixture('worker-wasi', {}, c.overrides as Partial<WasmMiddlewareOptions>);
      if (c.message === null) {
        const { ctx } = await attempt; // 1 page needed, 1 allowed: loads
        await ctx.runCleanups();
      } else await assert.rejects(attempt, c.message, c.what);
    }
  });

  test("Extism's worker gets the parent's execArgv without loaders or source maps", () => {
    assert.deepEqual(plainExecArgv(['--conditions=portico-source', '--import', 'tsx', '--enable-source-maps', '--require=x', '--max-old-space-size=100']), [
      '--conditions=portico-source',
      '--max-old-space-size=100',
      '--disable-warning=ExperimentalWarning',
    ]);
  });
});
