import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamError, parseDuration } from '@portico/sdk';
import type { Handler, MiddlewareFactory } from '@portico/sdk';
import plugins from '../src/index.js';
import {
  buildMiddleware,
  checkExpectations,
  configErrorOf,
  fakeUpstream,
  findPlugin,
  loadMiddlewareCases,
  startHarness,
  type TestRequest,
  type UpstreamBehaviour,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'retry');

/** One request through [retry, ...inner] to a fake upstream behaving as `behaviour(attempt index)`. */
async function run(
  config: Record<string, unknown>,
  request: TestRequest,
  behaviour: (i: number) => UpstreamBehaviour | Error,
  inner: MiddlewareFactory[] = [],
) {
  const mw = await buildMiddleware(plugin, config);
  const upstream = fakeUpstream((i) => {
    const b = behaviour(i);
    if (b instanceof Error) throw b;
    return b;
  });
  const h = await startHarness({ middlewares: [mw, ...inner], terminal: upstream.handler });
  try {
    const res = await h.request(request);
    assert.deepEqual(h.errors, []);
    return { res, calls: upstream.calls, ex: h.exchanges[0] };
  } finally {
    await h.close();
  }
}

describe('retry conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('retry');
  let passed = 0;
  after(() => console.log(`retry conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      assert.ok(c.request !== null && c.backend?.attemptSequence !== undefined);
      const sequence = c.backend.attemptSequence;
      // The timeout case answers each attempt after a delay equal to the timeout; a few ms more keep timer
      // granularity from letting an attempt end a hair before the deadline.
      const delayMs = c.backend.delayPerAttempt === undefined ? undefined : parseDuration(c.backend.delayPerAttempt) + 5;
      const { res, calls, ex } = await run(c.config, { method: c.request.method, path: c.request.path, body: c.request.body }, (i) => {
        const step = sequence[i];
        if (step === 'network-error') return 'network-error';
        const status = Number(step);
        const headers: Record<string, string> = { [`x-attempt-${i + 1}`]: 'yes' };
        if (status === 200) headers['x-final'] = 'success';
        return { status, headers, delayMs };
      });
      assert.deepEqual(checkExpectations(assert, c, res, calls, ex), []);
      // Only the answered attempt's headers reach the client.
      const answered = calls.length;
      for (let k = 1; k < answered; k++) assert.equal(res.headers[`x-attempt-${k}`], undefined, `attempt ${k} headers leaked`);
      if (c.request.body !== undefined) for (const call of calls) assert.equal(call.body.toString(), c.request.body, 'body replayed intact');
      passed++;
    });
  }
});

describe('retry behaviour', () => {
  const ok: UpstreamBehaviour = { status: 200, body: 'ok' };
  const netErr = (): UpstreamBehaviour => 'network-error';

  test('network errors are retried for any method, the buffered body is sent every time', async () => {
    const { res, calls, ex } = await run({ attempts: 3 }, { method: 'POST', body: 'payload' }, (i) => (i < 2 ? netErr() : ok));
    assert.equal(res.status, 200);
    assert.deepEqual(calls.map((c) => c.body.toString()), ['payload', 'payload', 'payload']);
    assert.equal(ex.retryAttempts, 2);
  });

  test('all attempts fail: the last UpstreamError is answered (502)', async () => {
    const { res, calls, ex } = await run({ attempts: 3 }, {}, () => new UpstreamError(502, false, 'refused'));
    assert.deepEqual([res.status, res.body, calls.length, ex.retryAttempts], [502, 'Bad Gateway', 3, 2]);
  });

  test('a timeout (504) that reached the upstream is not retried without status', async () => {
    const { res, calls } = await run({ attempts: 3 }, {}, () => new UpstreamError(504, true, 'timeout'));
    assert.deepEqual([res.status, calls.length], [504, 1]);
  });

  test('an error after reaching the upstream is retried when its status is listed', async () => {
    const { res, calls } = await run({ attempts: 3, status: ['502'] }, {}, (i) => (i === 0 ? new UpstreamError(502, true, 'reset') : ok));
    assert.deepEqual([res.status, calls.length], [200, 2]);
  });

  test('no server available (503 UpstreamError) is not a network error', async () => {
    const { res, calls } = await run({ attempts: 3 }, {}, () => new UpstreamError(503, false, 'no server'));
    assert.deepEqual([res.status, calls.length], [503, 1]);
  });

  test('disableRetryOnNetworkError: only listed statuses are retried', async () => {
    const { res, calls } = await run({ attempts: 3, status: ['500'], disableRetryOnNetworkError: true }, {}, netErr);
    assert.deepEqual([res.status, calls.length], [502, 1]);
  });

  test('a body above maxRequestBodyBytes is streamed once, not retried', async () => {
    const { res, calls } = await run({ attempts: 3, maxRequestBodyBytes: 4 }, { method: 'PUT', body: 'too long' }, netErr);
    assert.deepEqual([res.status, calls.length, calls[0].body.toString()], [502, 1, 'too long']);
  });

  test('a chunked body above maxRequestBodyBytes still reaches the upstream whole', async () => {
    const body = 'x'.repeat(10_000);
    const { res, calls } = await run({ attempts: 3, status: ['503'], maxRequestBodyBytes: 100 }, { method: 'PUT', body, headers: { 'transfer-encoding': 'chunked' } }, () => ({ status: 503 }));
    assert.deepEqual([res.status, calls.length, calls[0].body.length], [503, 1, 10_000]);
  });

  test('network-only retries buffer bodies up to 1 MiB by default', async () => {
    const big = 'y'.repeat((1 << 20) + 1);
    const { res, calls } = await run({ attempts: 2 }, { method: 'POST', body: big }, netErr);
    assert.deepEqual([res.status, calls.length], [502, 1]);
  });

  test('the timeout stops retrying network errors', async () => {
    // Each attempt fails after 70ms; with a 100ms timeout the first failure is retried, the second is final.
    const mw = await buildMiddleware(plugin, { attempts: 5, timeout: '100ms' });
    let calls = 0;
    const h = await startHarness({
      middlewares: mw,
      terminal: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 70));
        throw new UpstreamError(502, false, 'refused');
      },
    });
    try {
      const res = await h.request();
      assert.deepEqual([res.status, calls, h.exchanges[0].retryAttempts], [502, 2, 1]);
    } finally {
      await h.close();
    }
  });

  test('backoff: the retry waits about the initial interval', async () => {
    const times: number[] = [];
    const { res } = await run({ attempts: 2, initialInterval: '60ms' }, {}, (i) => {
      times.push(performance.now());
      return i === 0 ? netErr() : ok;
    });
    assert.equal(res.status, 200);
    assert.ok(times[1] - times[0] >= 25, `waited ${times[1] - times[0]}ms (60ms ±50%)`);
  });

  test('each attempt starts from the request as it reached retry; only the answered attempt’s modifiers apply', async () => {
    const inner: MiddlewareFactory = (next: Handler): Handler => (ex) => {
      ex.path = `${ex.path}/inner`;
      ex.headers['x-seen'] = `${ex.headers['x-seen'] ?? ''}+`;
      ex.onResponseHead((_s, h) => {
        h['x-modified'] = `${h['x-modified'] ?? ''}+`;
      });
      return next(ex);
    };
    const { res, calls } = await run({ attempts: 3, status: ['503'] }, { path: '/p' }, (i) => (i < 2 ? { status: 503 } : ok), [inner]);
    assert.equal(res.status, 200);
    assert.deepEqual(calls.map((c) => c.path), ['/p/inner', '/p/inner', '/p/inner']);
    assert.deepEqual(calls.map((c) => c.headers['x-seen']), ['+', '+', '+']);
    assert.equal(res.headers['x-modified'], '+');
  });

  test('POST is not retried on status without retryNonIdempotentMethod (but still on network errors)', async () => {
    const a = await run({ attempts: 3, status: ['503'] }, { method: 'POST', body: 'b' }, (i) => (i === 0 ? { status: 503 } : ok));
    assert.deepEqual([a.res.status, a.calls.length], [503, 1]);
    const b = await run({ attempts: 3, status: ['503'] }, { method: 'PATCH', body: 'b' }, (i) => (i === 0 ? netErr() : ok));
    assert.deepEqual([b.res.status, b.calls.length], [200, 2]);
  });

  test('attempts: 1 is a pass-through', async () => {
    const { res, calls } = await run({ attempts: 1 }, {}, netErr);
    assert.deepEqual([res.status, calls.length], [502, 1]);
  });
});

describe('retry configuration errors', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; path: string; message: RegExp }> = [
    { desc: 'attempts is required', config: {}, path: 'attempts', message: /is required/ },
    { desc: 'attempts must be positive', config: { attempts: 0 }, path: 'attempts', message: /incorrect \(or empty\) value for attempt \(0\)/ },
    { desc: 'network retry disabled without status', config: { attempts: 2, disableRetryOnNetworkError: true }, path: 'status', message: /requires at least HTTP status codes/ },
    { desc: 'status that is not a code or range', config: { attempts: 2, status: ['503', '5xx'] }, path: 'status[1]', message: /failed to parse HTTP code/ },
    { desc: 'invalid duration', config: { attempts: 2, initialInterval: 'fast' }, path: 'initialInterval', message: /invalid duration/ },
    { desc: 'unknown option', config: { attempts: 2, retryNonIdempotentMethods: true }, path: 'retryNonIdempotentMethods', message: /did you mean "retryNonIdempotentMethod"/ },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const err = await configErrorOf(plugin, c.config);
      assert.ok(err !== undefined, 'configuration must be rejected');
      assert.equal(err.path, c.path);
      assert.match(err.message, c.message);
    });
  }
});
