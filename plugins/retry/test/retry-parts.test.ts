import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Exchange } from '@portico/sdk';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseStatusRanges, statusInRanges } from '../src/status-ranges.js';
import { exponentialBackoff } from '../src/backoff.js';
import { bufferBody } from '../src/replayable-body.js';
import { runAttempt } from '../src/attempt.js';

describe('status ranges (types.NewHTTPCodeRanges)', () => {
  const cases: Array<{ desc: string; blocks: string[]; status: number; want: boolean }> = [
    { desc: 'single code', blocks: ['503'], status: 503, want: true },
    { desc: 'single code, other status', blocks: ['503'], status: 502, want: false },
    { desc: 'range, inside', blocks: ['500-599'], status: 504, want: true },
    { desc: 'range bounds are inclusive', blocks: ['500-599'], status: 599, want: true },
    { desc: 'several blocks', blocks: ['400', '500-502'], status: 400, want: true },
    { desc: 'inverted range never matches', blocks: ['599-500'], status: 550, want: false },
  ];
  for (const c of cases) test(c.desc, () => assert.equal(statusInRanges(parseStatusRanges(c.blocks), c.status), c.want));

  for (const bad of ['5xx', '', '500-', '500-599-600', ' 500']) {
    test(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseStatusRanges(['200', bad]), (e: Error & { index?: number }) => e.index === 1));
  }
});

describe('exponentialBackoff (cenkalti ExponentialBackOff as Traefik sets it up)', () => {
  const clock = () => 0;
  const cases: Array<{ desc: string; initialMs: number; attempts: number; random: number; waits: number[] }> = [
    { desc: 'no interval: immediate retries', initialMs: 0, attempts: 4, random: 0.5, waits: [0, 0, 0] },
    // attempts 3 → multiplier √2: intervals 100ms, 141.421356ms, 199.999999ms (integer ns), ±50% jitter.
    { desc: 'random 0: lower bound, interval × √2 each time', initialMs: 100, attempts: 3, random: 0, waits: [50, 70.710678, 99.999999] },
    { desc: 'random 0.5: the interval itself (+0.5ns)', initialMs: 100, attempts: 3, random: 0.5, waits: [100, 141.421356, 199.999999] },
    { desc: 'attempts 2 → multiplier 2', initialMs: 10, attempts: 2, random: 0.5, waits: [10, 20] },
    { desc: 'capped at 60s', initialMs: 50_000, attempts: 2, random: 0.5, waits: [50_000, 60_000] },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const next = exponentialBackoff(c.initialMs, c.attempts, () => c.random, clock);
      for (const want of c.waits) assert.ok(Math.abs((next() as number) - want) < 1e-5, `want ${want}`);
    });
  }
  test('gives up after 15 minutes', () => {
    let t = 0;
    const next = exponentialBackoff(100, 3, () => 0.5, () => t);
    assert.equal(next(), 100);
    t = 15 * 60_000;
    assert.equal(next(), null);
  });
});

describe('bufferBody', () => {
  /** Serves one request: buffers with `limit`, then reads whatever is left of the stream. */
  async function probe(limit: number, body: Buffer, chunked: boolean) {
    let result: { buffered: Buffer | null; rest: Buffer } | undefined;
    const server = http.createServer(async (req, res) => {
      const buffered = await bufferBody(req, limit);
      const chunks: Buffer[] = [];
      if (buffered === null) for await (const c of req) chunks.push(c as Buffer);
      result = { buffered, rest: Buffer.concat(chunks) };
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const headers = chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': body.length };
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', headers, agent: false }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      if (chunked) for (let i = 0; i < body.length; i += 1000) req.write(body.subarray(i, i + 1000));
      req.end(chunked ? undefined : body);
    });
    server.close();
    return result!;
  }
  const body = Buffer.alloc(50_000, 'x');
  const cases: Array<{ desc: string; limit: number; chunked: boolean; buffered: boolean }> = [
    { desc: 'sized body within the limit is buffered', limit: 50_000, chunked: false, buffered: true },
    { desc: 'sized body above the limit is left unread', limit: 49_999, chunked: false, buffered: false },
    { desc: 'chunked body within the limit is buffered', limit: Infinity, chunked: true, buffered: true },
    { desc: 'chunked body above the limit is pushed back whole for streaming', limit: 10_000, chunked: true, buffered: false },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { buffered, rest } = await probe(c.limit, body, c.chunked);
      if (c.buffered) assert.deepEqual(buffered, body);
      else {
        assert.equal(buffered, null);
        assert.deepEqual(rest, body, 'the stream still yields every byte');
      }
    });
  }
});

describe('runAttempt', () => {
  /** An exchange whose response records what was written instead of using a socket. */
  function exchange() {
    const written: Array<{ status: number; headers: Record<string, unknown> }> = [];
    const fake = {
      headersSent: false,
      writeHead(status: number, headers: Record<string, unknown>) {
        written.push({ status, headers: { ...headers } });
        fake.headersSent = true;
      },
    };
    const res = fake as unknown as ServerResponse;
    const req = { url: '/', method: 'GET', headers: {} } as unknown as IncomingMessage;
    return { ex: new Exchange(req, res, 'web', '127.0.0.1', false, 0n), written };
  }

  test('a discarded head writes nothing and drops the modifiers registered during the attempt', async () => {
    const { ex, written } = exchange();
    const outcome = await runAttempt(
      ex,
      (e) => {
        e.onResponseHead((_s, h) => (h['x-inner'] = 'once'));
        e.sendHead(503, {});
      },
      (s) => s === 503,
    );
    assert.deepEqual(outcome, { kind: 'discarded', status: 503 });
    assert.deepEqual(written, []);
    ex.sendHead(200, {});
    assert.deepEqual(written, [{ status: 200, headers: {} }], 'no leftover modifier, prototype sendHead restored');
  });

  test('an accepted head runs outer and attempt modifiers, innermost first', async () => {
    const { ex, written } = exchange();
    const order: string[] = [];
    ex.onResponseHead(() => order.push('outer'));
    const outcome = await runAttempt(
      ex,
      (e) => {
        e.onResponseHead(() => order.push('inner'));
        e.sendHead(200, {});
      },
      () => false,
    );
    assert.deepEqual(outcome, { kind: 'done' });
    assert.deepEqual(order, ['inner', 'outer']);
    assert.equal(written.length, 1);
  });

  test('nested attempts: the outer refusal passes through the inner attempt', async () => {
    const { ex, written } = exchange();
    const outer = await runAttempt(ex, (e) => runAttempt(e, (e2) => e2.sendHead(502, {}), () => false).then(() => {}), (s) => s === 502);
    assert.deepEqual(outer, { kind: 'discarded', status: 502 });
    assert.deepEqual(written, []);
  });
});
