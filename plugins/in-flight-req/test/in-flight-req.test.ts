import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Handler } from '@portico/sdk';
import plugins from '../src/index.js';
import {
  buildMiddleware,
  configErrorOf,
  createTestContext,
  findPlugin,
  loadMiddlewareCases,
  startHarness,
  type Harness,
  type TestContext,
  type TestResponse,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'inFlightReq');

/** An upstream that holds every request until `open()`; `arrived` counts the requests it got. */
function gatedUpstream() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const state = { arrived: 0 };
  const handler: Handler = async (ex) => {
    state.arrived++;
    await gate;
    ex.respond(200, 'ok');
  };
  return { handler, state, open };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not reached');
}

interface Setup {
  h: Harness;
  upstream: ReturnType<typeof gatedUpstream>;
  ctx: TestContext;
}

async function setup(config: Record<string, unknown>, clientIp = '10.0.0.1', ctx = createTestContext()): Promise<Setup> {
  const mw = await buildMiddleware(plugin, config, ctx);
  const upstream = gatedUpstream();
  const h = await startHarness({ middlewares: mw, terminal: upstream.handler, clientIp });
  return { h, upstream, ctx };
}

/** Sends `held` requests that reach the upstream and wait there, then one more; returns the last answer. */
async function excess(s: Setup, held: number, headers: Array<Record<string, string>> = []): Promise<{ pending: Promise<TestResponse>[]; last: TestResponse }> {
  const pending: Promise<TestResponse>[] = [];
  for (let i = 0; i < held; i++) {
    pending.push(s.h.request({ headers: headers[i] }));
    await until(() => s.upstream.state.arrived === i + 1);
  }
  const last = await s.h.request({ headers: headers[held] });
  return { pending, last };
}

describe('inFlightReq conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('inFlightReq');
  let passed = 0;
  after(() => console.log(`inFlightReq conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      const concurrent = (c.request as { concurrent?: number }).concurrent ?? 2;
      const s = await setup(c.config);
      try {
        const { pending, last } = await excess(s, concurrent - 1);
        assert.equal(last.status, c.expect.statusOfExcessRequest);
        s.upstream.open();
        for (const r of await Promise.all(pending)) assert.equal(r.status, 200);
      } finally {
        s.upstream.open();
        await s.h.close();
      }
      passed++;
    });
  }
});

describe('inFlightReq', () => {
  test('excess request: 429 with oxy body; slot freed when a request completes', async () => {
    const s = await setup({ amount: 2 });
    try {
      const { pending, last } = await excess(s, 2);
      assert.equal(last.status, 429);
      assert.equal(last.body, 'max connections reached: 2');
      assert.equal(last.headers['content-type'], 'text/plain; charset=utf-8');
      s.upstream.open();
      await Promise.all(pending);
      assert.equal((await s.h.request()).status, 200);
    } finally {
      s.upstream.open();
      await s.h.close();
    }
  });

  test('sources are counted separately (requestHeaderName)', async () => {
    const s = await setup({ amount: 1, sourceCriterion: { requestHeaderName: 'X-Tenant' } });
    try {
      const { pending, last } = await excess(s, 1, [{ 'x-tenant': 'a' }, { 'x-tenant': 'a' }]);
      assert.equal(last.status, 429);
      pending.push(s.h.request({ headers: { 'x-tenant': 'b' } }));
      await until(() => s.upstream.state.arrived === 2);
      s.upstream.open();
      for (const r of await Promise.all(pending)) assert.equal(r.status, 200);
    } finally {
      s.upstream.open();
      await s.h.close();
    }
  });

  test('requests by host are grouped by Host', async () => {
    const s = await setup({ amount: 1, sourceCriterion: { requestHost: true } });
    try {
      const { pending, last } = await excess(s, 1, [{ host: 'a.test' }, { host: 'a.test' }]);
      assert.equal(last.status, 429);
      pending.push(s.h.request({ headers: { host: 'b.test' } }));
      await until(() => s.upstream.state.arrived === 2);
      s.upstream.open();
      await Promise.all(pending);
    } finally {
      s.upstream.open();
      await s.h.close();
    }
  });

  test('a failing chain releases its slot', async () => {
    const ctx = createTestContext();
    const mw = await buildMiddleware(plugin, { amount: 1 }, ctx);
    let calls = 0;
    const h = await startHarness({
      middlewares: mw,
      clientIp: '10.0.0.1',
      terminal: async () => {
        calls++;
        throw new Error('boom');
      },
    });
    try {
      assert.equal((await h.request()).status, 500);
      assert.equal((await h.request()).status, 500);
      assert.equal(calls, 2);
    } finally {
      await h.close();
    }
  });

  test('amount 0 rejects everything, with a warning', async () => {
    const s = await setup({});
    try {
      const r = await s.h.request();
      assert.equal(r.status, 429);
      assert.equal(s.upstream.state.arrived, 0);
      assert.match(s.ctx.warnings.join(), /every request will be answered 429/);
    } finally {
      await s.h.close();
    }
  });

  test('counts survive a reload (same element state)', async () => {
    const store = new Map<string, unknown>();
    const first = await setup({ amount: 1 }, '10.0.0.1', createTestContext({ store }));
    const second = await setup({ amount: 1 }, '10.0.0.1', createTestContext({ store }));
    try {
      const held = first.h.request();
      await until(() => first.upstream.state.arrived === 1);
      assert.equal((await second.h.request()).status, 429);
      first.upstream.open();
      assert.equal((await held).status, 200);
      second.upstream.open();
      assert.equal((await second.h.request()).status, 200);
    } finally {
      first.upstream.open();
      second.upstream.open();
      await first.h.close();
      await second.h.close();
    }
  });

  const configCases: Array<{ desc: string; config: unknown }> = [
    { desc: 'mutually exclusive criteria', config: { amount: 1, sourceCriterion: { requestHost: true, requestHeaderName: 'X' } } },
    { desc: 'ipStrategy with requestHost', config: { amount: 1, sourceCriterion: { requestHost: true, ipStrategy: { depth: 1 } } } },
    { desc: 'unknown option', config: { amount: 1, burst: 2 } },
    { desc: 'amount not an integer', config: { amount: 1.5 } },
  ];
  for (const c of configCases) test(`config error: ${c.desc}`, async () => assert.ok(await configErrorOf(plugin, c.config)));
});
