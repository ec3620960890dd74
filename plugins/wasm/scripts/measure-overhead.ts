/**
 * In-process cost of a WASM middleware per request, without sockets: the header fixture run by Portico's host
 * (through the real middleware factory, on Exchange-shaped objects), its TypeScript twin, and the same module
 * under @extism/extism 1.0.3. Prints µs per request (medians of 5 runs).
 *
 *   node --conditions=portico-source --import tsx plugins/wasm/scripts/measure-overhead.ts [module.wasm]
 */
import { readFileSync } from 'node:fs';
import type { Exchange, Handler } from '@portico/sdk';
import { compileMiddlewareModule, createExtismReference, loadWasmMiddleware, clearCompileCache, DEFAULT_LIMITS } from '../src/index.js';
import { fixtureWasm } from '../test/helpers/wat.js';
import tsTwin from '../../../test/bench/plugins/header-mw.js';

const silent = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, fatal() {}, level: 'info', child: () => silent } as never;
const bytes = process.argv[2] ? new Uint8Array(readFileSync(process.argv[2])) : await fixtureWasm('header');
const options = { greeting: 'bench', apiKey: 'k' };

function fakeExchange(): Exchange {
  return {
    method: 'GET', path: '/', query: null, clientIp: '127.0.0.1',
    headers: { host: '127.0.0.1:8080', 'user-agent': 'wrk', accept: '*/*', 'x-internal-secret': 'x' },
    onResponseHead() {}, respond() {},
  } as unknown as Exchange;
}

function perCall(run: (ex: Exchange) => unknown, n: number): number {
  const exs = Array.from({ length: 1000 }, fakeExchange);
  for (let i = 0; i < n / 10; i++) run(exs[i % 1000]);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const ex = exs[i % 1000];
    ex.headers['x-internal-secret'] = 'x';
    run(ex);
  }
  return ((performance.now() - started) * 1000) / n;
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const end: Handler = () => {};
const ctx = { element: 'bench@file', provider: 'file', log: silent, state: <T>(_k: string, c: () => T) => c(), onCleanup() {} };

clearCompileCache();
const t0 = performance.now();
const compiled = compileMiddlewareModule('bench.wasm', bytes, DEFAULT_LIMITS.maxMemoryPages, DEFAULT_LIMITS.fuel);
const loadMs = performance.now() - t0;
const wasmPlugin = await loadWasmMiddleware({ name: 'hdr', file: 'bench.wasm', bytes, config: {}, limits: DEFAULT_LIMITS, runtime: 'portico', log: silent });
const wasm = wasmPlugin.build(options, ctx)(end);
const ts = tsTwin.build(options as never, ctx)(end);
const none: Handler = (ex) => end(ex);
const ref = await createExtismReference(bytes, options);

const rows: Array<[string, number]> = [];
rows.push(['no middleware (handler call only)', median([1, 2, 3, 4, 5].map(() => perCall(none, 200_000)))]);
rows.push(['TypeScript twin', median([1, 2, 3, 4, 5].map(() => perCall(ts, 200_000)))]);
rows.push(['WASM, Portico host', median([1, 2, 3, 4, 5].map(() => perCall(wasm, 200_000)))]);
const refRuns: number[] = [];
for (let r = 0; r < 3; r++) {
  const n = 5000;
  const started = performance.now();
  for (let i = 0; i < n; i++) await ref.call(fakeExchange());
  refRuns.push(((performance.now() - started) * 1000) / n);
}
rows.push(['WASM, @extism/extism 1.0.3 (reference runner)', median(refRuns)]);
await ref.close();
console.log(`module ${bytes.length} B → prepared ${compiled.prepared.bytes.length} B, ${compiled.prepared.loops} loops metered, load ${loadMs.toFixed(2)} ms`);
for (const [name, us] of rows) console.log(`${name.padEnd(48)} ${us.toFixed(2)} µs/request`);
