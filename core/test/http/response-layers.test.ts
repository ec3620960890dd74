/**
 * The kernel's layered response-body API (ex.wrapResponse), over real sockets: order, head/body/end, backpressure,
 * failures inside layers, HEAD/204, upgrades, checkpoints, and writers that bypass sendHead.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange, Handler, MiddlewareFactory } from '@portico/core';
import { startHarness, sendRequest } from '../../../test/helpers/middleware-harness.js';

type Ex = Exchange;
/** The layer type (core/src/http/response-layer.ts), as a plugin derives it from the public Exchange. */
type ResponseLayerFactory = Parameters<Exchange['wrapResponse']>[0];
const layerMw = (create: ResponseLayerFactory): MiddlewareFactory => (next) => (ex) => {
  (ex as Ex).wrapResponse(create);
  return next(ex);
};
const modifierMw = (fn: (s: number, h: OutgoingHttpHeaders) => void): MiddlewareFactory => (next) => (ex) => {
  ex.onResponseHead(fn);
  return next(ex);
};
/** Appends `tag` to a `x-trail` header and upper-cases (or tags) body chunks. */
const tagging = (tag: string): ResponseLayerFactory => (down) => ({
  head(status, headers) {
    headers['x-trail'] = `${headers['x-trail'] ?? ''}${tag}`;
    delete headers['content-length']; // the body changes length

    down.head(status, headers);
  },
  write: (chunk) => down.write(Buffer.from(`${tag}(${chunk.toString()})`)),
});

const answer = (body = 'hi', status = 200): Handler => (ex) => ex.respond(status, body);

async function run(middlewares: MiddlewareFactory[], terminal: Handler, req: { method?: string } = {}) {
  const h = await startHarness({ middlewares, terminal });
  try {
    const res = await sendRequest(h.port, req);
    return { res, h };
  } finally {
    await h.close();
  }
}

describe('response layers: composition', () => {
  test('layers stack in chain order: the outermost middleware is closest to the client', async () => {
    const { res } = await run([layerMw(tagging('A')), layerMw(tagging('B'))], answer('x'));
    // B (inner) sees the body first, A wraps what B wrote; the head is tagged inner first.
    assert.equal(res.body, 'A(B(x))');
    assert.equal(res.headers['x-trail'], 'BA');
  });

  const cases: Array<{ desc: string; chain: (seen: string[]) => MiddlewareFactory[]; expected: string[] }> = [
    {
      desc: 'a modifier outside a layer sees the head after the layer changed it',
      chain: (seen) => [modifierMw((_s, h) => void seen.push(`outer:${h['x-trail']}`)), layerMw(tagging('L'))],
      expected: ['outer:L'],
    },
    {
      desc: 'a modifier inside a layer sees the head before it',
      chain: (seen) => [layerMw(tagging('L')), modifierMw((_s, h) => void seen.push(`inner:${h['x-trail'] ?? 'none'}`))],
      expected: ['inner:none'],
    },
    {
      desc: 'modifiers on both sides, innermost first',
      chain: (seen) => [
        modifierMw(() => void seen.push('m1')),
        layerMw(tagging('L')),
        modifierMw(() => void seen.push('m2')),
        modifierMw(() => void seen.push('m3')),
      ],
      expected: ['m3', 'm2', 'm1'],
    },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const seen: string[] = [];
      await run(c.chain(seen), answer());
      assert.deepEqual(seen, c.expected);
    });
  }

  test('a writer that bypasses sendHead (setHeader + res.end) still goes through the layers', async () => {
    const { res } = await run([layerMw(tagging('L'))], (ex) => {
      ex.res.setHeader('x-own', '1');
      ex.res.end('raw');
    });
    assert.equal(res.body, 'L(raw)');
    assert.equal(res.headers['x-own'], '1');
    assert.equal(res.headers['x-trail'], 'L');
  });

  test('HEAD and 204: the layer sees a head and an end, no body', async () => {
    for (const [method, status] of [['HEAD', 200], ['GET', 204]] as const) {
      const events: string[] = [];
      const spy: ResponseLayerFactory = (down) => ({
        head: (s, h) => (events.push(`head ${s}`), down.head(s, h)),
        write: (c) => (events.push('write'), down.write(c)),
        end: () => (events.push('end'), down.end()),
      });
      const { res } = await run([layerMw(spy)], (ex) => {
        if (status !== 204) return ex.respond(200, 'body');
        ex.sendHead(204, {});
        ex.res.end();
      }, { method });
      assert.equal(res.status, status);
      assert.equal(res.body, '');
      assert.deepEqual(events, [`head ${status}`, 'end']);
    }
  });

  test('101 upgrades run the modifiers but skip the layers', async () => {
    const layerHeads: number[] = [];
    const modified: number[] = [];
    const spy: ResponseLayerFactory = (down) => ({ head: (s, h) => (layerHeads.push(s), down.head(s, h)) });
    await run([layerMw(spy), modifierMw((s) => void modified.push(s))], (ex) => {
      // The upgrade relay runs the modifiers on the 101 it writes on the socket itself.
      ex.applyResponseModifiers(101, {});
      ex.respond(200, 'ok');
    });
    assert.deepEqual(modified, [101]);
    assert.deepEqual(layerHeads, [200]);
  });

  test('rewindResponse forgets the layers registered after a checkpoint', async () => {
    const { res } = await run([], (ex) => {
      ex.wrapResponse(tagging('keep'));
      const mark = ex.responseCheckpoint();
      ex.wrapResponse(tagging('drop'));
      ex.rewindResponse(mark);
      ex.respond(200, 'x');
    });
    assert.equal(res.body, 'keep(x)');
  });
});

describe('response layers: failures never crash the process', () => {
  const errors: unknown[] = [];
  const onError = (msg: unknown) => void errors.push((msg as { error: unknown }).error);

  const cases: Array<{ desc: string; layer: ResponseLayerFactory; status: number | 'cut' }> = [
    { desc: 'a throw in head: 500', layer: () => ({ head: () => { throw new Error('boom in head'); } }), status: 500 },
    { desc: 'a throw in write before the head went out: 500', layer: () => ({ head: () => {}, write: () => { throw new Error('boom in write'); } }), status: 500 },
    {
      desc: 'a throw in write after the head went out: connection cut',
      layer: (down) => ({ head: (s, h) => (down.head(s, h), down.flush()), write: () => { throw new Error('boom late'); } }),
      status: 'cut',
    },
    {
      desc: 'an asynchronous failure reported with down.fail: 500',
      layer: (down) => ({ head: () => {}, write: () => true, end: () => void setImmediate(() => down.fail(new Error('async boom'))) }),
      status: 500,
    },
    {
      desc: 'a layer writing a second head (ERR_HTTP_HEADERS_SENT below it): connection cut',
      layer: (down) => ({ head: (s, h) => (down.head(s, h), down.flush()), end: () => (down.head(200, {}), down.end()) }),
      status: 'cut',
    },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      errors.length = 0;
      subscribe('portico:response:layer-error', onError);
      try {
        const h = await startHarness({
          middlewares: [layerMw(c.layer)],
          terminal: async (ex) => {
            ex.sendHead(200, {});
            ex.res.flushHeaders();
            await new Promise((r) => setImmediate(r));
            ex.res.write('data');
            ex.res.end();
          },
        });
        try {
          const outcome = await new Promise<number | 'cut'>((resolve) => {
            http
              .get({ host: '127.0.0.1', port: h.port, path: '/', agent: false }, (res) => {
                res.resume();
                res.on('end', () => resolve(res.complete ? (res.statusCode ?? 0) : 'cut'));
                res.on('error', () => resolve('cut'));
                res.on('aborted', () => resolve('cut'));
              })
              .on('error', () => resolve('cut'));
          });
          assert.equal(outcome, c.status);
          assert.equal(errors.length, 1, 'reported once on the layer-error channel');
        } finally {
          await h.close();
        }
      } finally {
        unsubscribe('portico:response:layer-error', onError);
      }
    });
  }
});

describe('response layers: backpressure', () => {
  test('a layer that returns false holds the writer until it signals drained()', async () => {
    let drainedAfter = -1;
    const writes: number[] = [];
    const slow: ResponseLayerFactory = (down) => {
      let full = false;
      return {
        write(chunk) {
          writes.push(chunk.length);
          down.write(chunk);
          if (!full) {
            full = true;
            setTimeout(() => ((full = false), down.drained()), 30);
            return false;
          }
          return true;
        },
      };
    };
    const { res } = await run([layerMw(slow)], async (ex) => {
      ex.sendHead(200, {});
      const ok = ex.res.write('one');
      const started = Date.now();
      if (!ok) await new Promise((r) => ex.res.once('drain', r));
      drainedAfter = Date.now() - started;
      ex.res.end('two');
    });
    assert.equal(res.body, 'onetwo');
    assert.ok(drainedAfter >= 20, `the writer waited ${drainedAfter} ms for the drain`);
  });
});
