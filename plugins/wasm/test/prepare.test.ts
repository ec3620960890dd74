/**
 * Loading a module: ABI validation with clear errors, the memory cap rewrite, fuel metering, and the
 * embedded kernel matching its WAT source.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadWasmMiddleware, prepareModule, WasmLoadError, DEFAULT_LIMITS, clearCompileCache, compileMiddlewareModule, WasmInstance } from '../src/index.js';
import { KERNEL_WASM_BASE64 } from '../src/kernel/kernel-bytes.js';
import { capturingLogger } from './helpers/load.js';
import { compileWat, fixtureWasm } from './helpers/wat.js';

const MEMORY_AND_ENTRY = `(memory (export "memory") 1) (func (export "handle_request") (result i32) (i32.const 0))`;

const loadErrors: Array<{ name: string; wat: string; error: RegExp; limits?: { maxMemoryPages: number; fuel: number }; runtime?: 'extism-worker' }> = [
  {
    name: 'a WASI import is refused, naming the file and the import',
    wat: `(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))) ${MEMORY_AND_ENTRY})`,
    error: /^bad\.wasm: import "wasi_snapshot_preview1" "fd_write": WASI is not available in the portico runtime/,
  },
  {
    name: 'http_request is refused',
    wat: `(module (import "extism:host/env" "http_request" (func (param i64 i64) (result i64))) ${MEMORY_AND_ENTRY})`,
    error: /^bad\.wasm: import "extism:host\/env" "http_request": not supported in the portico runtime/,
  },
  {
    name: 'an unknown import module is refused',
    wat: `(module (import "env" "abort" (func (param i32 i32 i32 i32))) ${MEMORY_AND_ENTRY})`,
    error: /^bad\.wasm: import "env" "abort": unknown import module/,
  },
  {
    name: 'an unknown host function is refused',
    wat: `(module (import "extism:host/user" "get_body" (func (result i64))) ${MEMORY_AND_ENTRY})`,
    error: /import "extism:host\/user" "get_body": unknown host function/,
  },
  {
    name: 'a host function with the wrong signature is refused',
    wat: `(module (import "extism:host/user" "get_header" (func (param i32) (result i32))) ${MEMORY_AND_ENTRY})`,
    error: /"get_header": signature \(i32\) -> \(i32\) does not match \(i64\) -> \(i64\)/,
  },
  {
    name: 'an imported memory is refused',
    wat: `(module (import "extism:host/env" "memory" (memory 1)) (func (export "handle_request") (result i32) (i32.const 0)))`,
    error: /"memory": only functions can be imported, not a memory/,
  },
  {
    name: 'a module without handle_request is refused',
    wat: `(module (memory (export "memory") 1) (func (export "run") (result i32) (i32.const 0)))`,
    error: /does not export a function "handle_request"/,
  },
  {
    name: 'handle_request with the wrong signature is refused',
    wat: `(module (memory (export "memory") 1) (func (export "handle_request") (param i32)))`,
    error: /"handle_request" must have the signature \(\) -> \(i32\), not \(i32\) -> \(\)/,
  },
  {
    name: 'a module that does not export its memory is refused',
    wat: `(module (memory 1) (func (export "handle_request") (result i32) (i32.const 0)))`,
    error: /does not export a memory/,
  },
  {
    name: 'a module needing more pages than the cap at start is refused',
    wat: `(module (memory (export "memory") 300) (func (export "handle_request") (result i32) (i32.const 0)))`,
    error: /needs 300 memory pages at start, more than limits\.maxMemoryPages \(256\)/,
  },
  {
    name: 'SIMD is refused with the opcode and the function',
    wat: `(module ${MEMORY_AND_ENTRY} (func (result v128) (v128.const i32x4 0 0 0 0)))`,
    error: /unsupported instruction 0xfd in function 1/,
  },
  {
    name: 'bad limits are refused',
    wat: `(module ${MEMORY_AND_ENTRY})`,
    limits: { maxMemoryPages: 0, fuel: 10 },
    error: /limits\.maxMemoryPages must be an integer within 1\.\.65536/,
  },
  {
    name: 'the extism-worker runtime still refuses imports outside the ABI, WASI and http_request',
    wat: `(module (import "env" "abort" (func)) ${MEMORY_AND_ENTRY})`,
    runtime: 'extism-worker',
    error: /import "env" "abort": unknown import module \(allowed: "extism:host\/env", "extism:host\/user", "wasi_snapshot_preview1"\)/,
  },
];

async function watWithSimd(src: string): Promise<Uint8Array> {
  const { default: wabtFactory } = await import('wabt');
  const wabt = await wabtFactory();
  const mod = wabt.parseWat('simd.wat', src, { simd: true });
  try {
    return mod.toBinary({}).buffer.slice();
  } finally {
    mod.destroy();
  }
}

describe('loading a module', () => {
  for (const c of loadErrors) {
    test(c.name, async () => {
      const bytes = c.wat.includes('v128') ? await watWithSimd(c.wat) : await compileWat(c.wat);
      await assert.rejects(
        loadWasmMiddleware({ name: 'bad', file: 'bad.wasm', bytes, config: {}, limits: c.limits ?? DEFAULT_LIMITS, runtime: c.runtime ?? 'portico', log: capturingLogger() }),
        (err: unknown) => err instanceof WasmLoadError && c.error.test(err.message),
      );
    });
  }

  test('bytes that are not wasm are refused with the file named', async () => {
    await assert.rejects(
      loadWasmMiddleware({ name: 'x', file: 'x.wasm', bytes: new TextEncoder().encode('hello'), config: {}, limits: DEFAULT_LIMITS, runtime: 'portico', log: capturingLogger() }),
      /^WasmLoadError: x\.wasm: not a WebAssembly binary/,
    );
  });

  test('the memory max is rewritten to the cap: growth past it fails', async () => {
    const bytes = await compileWat(`(module (memory (export "memory") 1 1000) (func (export "handle_request") (result i32) (i32.const 0)))`);
    const prepared = prepareModule('m.wasm', bytes, 8, 100);
    assert.equal(prepared.memoryMaxPages, 8);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(prepared.bytes as Uint8Array<ArrayBuffer>), {});
    const memory = instance.exports.memory as WebAssembly.Memory;
    assert.equal(memory.grow(7), 1);
    assert.throws(() => memory.grow(1), RangeError);
  });

  test('a smaller declared max is kept', async () => {
    const bytes = await compileWat(`(module (memory (export "memory") 1 4) (func (export "handle_request") (result i32) (i32.const 0)))`);
    assert.equal(prepareModule('m.wasm', bytes, 256, 100).memoryMaxPages, 4);
  });

  test('fuel: each loop iteration and call costs one unit; the counter is exported', async () => {
    const bytes = await compileWat(`(module (memory (export "memory") 1)
      (func $leaf)
      (func (export "handle_request") (result i32) (local $i i32)
        (loop $l (call $leaf) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
        (i32.const 0)))`);
    const prepared = prepareModule('m.wasm', bytes, 256, 1000);
    assert.equal(prepared.loops, 1);
    const compiled = new WebAssembly.Module(prepared.bytes as Uint8Array<ArrayBuffer>);
    const inst = new WasmInstance({ module: compiled, config: new Map(), fuel: 1000, arenaBytes: 65536, log: capturingLogger() });
    assert.equal(inst.call(null), 0);
    // 1 (entry) + 10 loop headers + 10 calls of $leaf
    assert.equal(inst.fuelUsed, 21n);
    const tight = new WasmInstance({ module: compiled, config: new Map(), fuel: 20, arenaBytes: 65536, log: capturingLogger() });
    assert.throws(() => tight.call(null), WebAssembly.RuntimeError);
    assert.equal(tight.fuelExhausted, true);
  });

  test('the instrumented module is cached by content hash and limits', async () => {
    clearCompileCache();
    const bytes = await fixtureWasm('abi');
    const first = compileMiddlewareModule('abi.wasm', bytes, 256, 1000);
    const second = compileMiddlewareModule('abi.wasm', bytes.slice(), 256, 1000);
    const other = compileMiddlewareModule('abi.wasm', bytes, 128, 1000);
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.equal(second.module, first.module);
    assert.equal(other.cached, false);
  });

  test('the embedded kernel is kernel.wat compiled', async () => {
    const wat = readFileSync(new URL('../src/kernel/kernel.wat', import.meta.url), 'utf8');
    const compiled = await compileWat(wat, 'kernel.wat');
    assert.equal(Buffer.from(compiled).toString('base64'), KERNEL_WASM_BASE64, 'run scripts/build-kernel.ts after editing kernel.wat');
  });
});
