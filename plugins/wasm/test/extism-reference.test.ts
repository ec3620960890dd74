/**
 * Same module, same answers: the fixtures run under Portico's host and under @extism/extism 1.0.3 (the
 * reference runner) on the same requests, and what they do to the request and the response must agree.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { createExtismReference, compileMiddlewareModule, WasmInstance, DEFAULT_LIMITS, type CallRequest } from '../src/index.js';
import { capturingLogger } from './helpers/load.js';
import { fixtureWasm } from './helpers/wat.js';

function request(path: string, query: string | null, headers: IncomingHttpHeaders): CallRequest {
  return { method: 'GET', path, query, headers: { ...headers }, clientIp: '127.0.0.1' };
}

/** What a call did, in a runner-independent form. */
function outcome(req: CallRequest, r: { rc: number; error: string | null; respondStatus: number; respondBody: Uint8Array | null; responseHeaders: Array<[string, string]> | null }) {
  return {
    rc: r.rc,
    error: r.error,
    path: req.path,
    query: req.query,
    headers: req.headers,
    respond: r.respondStatus === 0 ? null : { status: r.respondStatus, body: Buffer.from(r.respondBody ?? []).toString('utf8') },
    responseHeaders: r.responseHeaders,
  };
}

async function compare(fixture: string, config: Record<string, string>, requests: Array<() => CallRequest>) {
  const bytes = await fixtureWasm(fixture);
  const compiled = compileMiddlewareModule(`${fixture}.wasm`, bytes, DEFAULT_LIMITS.maxMemoryPages, DEFAULT_LIMITS.fuel);
  const ours = new WasmInstance({ module: compiled.module, config: new Map(Object.entries(config)), fuel: DEFAULT_LIMITS.fuel, arenaBytes: 1 << 24, log: capturingLogger() });
  const reference = await createExtismReference(bytes, config);
  try {
    for (const make of requests) {
      const a = make();
      const rc = ours.call(a);
      const mine = outcome(a, { rc, error: ours.state.error, respondStatus: ours.state.respondStatus, respondBody: ours.state.respondBody, responseHeaders: ours.state.responseHeaders });
      const b = make();
      const theirs = outcome(b, await reference.call(b));
      assert.deepEqual(mine, theirs, `${b.path}: Portico and Extism disagree`);
    }
  } finally {
    await reference.close();
  }
}

describe('Portico host and @extism/extism give the same answers', () => {
  test('header fixture: header set and removed, /admin refused without the key, allowed with it', async () => {
    await compare('header', { greeting: 'bonjour', apiKey: 's3cret' }, [
      () => request('/', null, { host: 'a', 'x-internal-secret': 'x' }),
      () => request('/admin/users', 'x=1', { host: 'a' }),
      () => request('/admin', null, { host: 'a', 'x-api-key': 's3cret' }),
      () => request('/admin', null, { host: 'a', 'x-api-key': 'wrong' }),
    ]);
  });

  test('abi fixture: each case gives the same request changes and decisions', async () => {
    // Not 'q' (a 1 GiB alloc): 1.0.3 has no memory limit, Portico's arena cap makes it return 0. Not 'o'/'p'
    // (a host function throws): Portico's call throws there, which host-functions.test.ts checks as a 500.
    for (const letter of 'abcdefghijklmn') {
      await compare('abi', { case: letter, greeting: 'hey' }, [
        () => request('/some/path', 'k=v', { host: 'a', 'x-in': 'in', 'x-multi': 'one', 'x-del': 'd' }),
        () => request('/', null, { host: 'b' }),
      ]);
    }
  });

  test('echo: input and output round-trip identically, 20 000 calls (past 1.0.3 block exhaustion thanks to reset())', async () => {
    const bytes = await fixtureWasm('abi');
    const reference = await createExtismReference(bytes);
    const compiled = compileMiddlewareModule('abi.wasm', bytes, 256, 1e9);
    const ours = new WasmInstance({ module: compiled.module, config: new Map(), fuel: 1e9, arenaBytes: 1 << 24, log: capturingLogger() });
    try {
      const input = new Uint8Array(Buffer.from('héllo wörld '.repeat(50)));
      ours.call(null, 'echo', input);
      const theirs = await reference.call(null, 'echo', input.subarray(0, 100));
      assert.deepEqual(Buffer.from(ours.state.output ?? []).subarray(0, 100), Buffer.from(theirs.output ?? []));
      for (let i = 0; i < 20_000; i++) {
        const r = await reference.call(null, 'echo', new Uint8Array([i & 0xff]));
        if (r.output?.[0] !== (i & 0xff)) assert.fail(`call ${i} returned ${r.output?.[0]}`);
      }
    } finally {
      await reference.close();
    }
  });
});
