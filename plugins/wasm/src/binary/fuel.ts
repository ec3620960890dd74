/**
 * Fuel metering by binary rewriting: every function entry and every `loop` header gets
 *
 *     global.get $fuel; i64.const 1; i64.sub; global.set $fuel
 *     global.get $fuel; i64.const 0; i64.lt_s; if unreachable end
 *
 * so a call can only run `fuel` loop iterations plus function calls before it traps, and the host tells
 * "out of fuel" from other traps by the counter being negative. Straight-line code between checks is
 * bounded by the function's size, so this bounds CPU time without counting every instruction.
 *
 * The decoder knows every MVP instruction plus the 0xFC prefix (saturating truncation, bulk memory, table
 * ops), sign extension, reference types, multi-value blocks and tail calls: what AssemblyScript, Rust and Go
 * emit by default. SIMD, threads, exceptions and GC are refused with the opcode and function named.
 */
import { ByteReader, ByteWriter } from './bytes.js';
import { WasmLoadError } from './validate.js';

/** Why an instruction cannot be metered: the caller adds the file name. */
export class UnsupportedInstruction extends WasmLoadError {}

function fuelCheck(globalIndex: number): Uint8Array {
  const w = new ByteWriter();
  w.byte(0x23).u32(globalIndex).byte(0x42).s32(1).byte(0x7d).byte(0x24).u32(globalIndex);
  w.byte(0x23).u32(globalIndex).byte(0x42).s32(0).byte(0x53).byte(0x04).byte(0x40).byte(0x00).byte(0x0b);
  return w.toBytes();
}

/**
 * Rewrites a code section's payload. `firstFunc` is the index of the first defined function (the number of
 * imported ones), used in error messages. Returns the new payload and the number of loops instrumented.
 */
export function meterCodeSection(bytes: Uint8Array, start: number, end: number, fuelGlobal: number, firstFunc: number): { payload: Uint8Array; loops: number } {
  const check = fuelCheck(fuelGlobal);
  const r = new ByteReader(bytes, start, end);
  const out = new ByteWriter();
  const count = r.u32();
  out.u32(count);
  let loops = 0;
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const bodyEnd = r.pos + size;
    const body = new ByteWriter();
    const localsStart = r.pos;
    for (let n = r.u32(), j = 0; j < n; j++) {
      r.u32();
      skipValType(r, firstFunc + i);
    }
    body.bytes(bytes.subarray(localsStart, r.pos));
    body.bytes(check);
    loops += meterInstructions(new ByteReader(bytes, r.pos, bodyEnd), body, check, firstFunc + i);
    r.pos = bodyEnd;
    const encoded = body.toBytes();
    out.u32(encoded.length).bytes(encoded);
  }
  return { payload: out.toBytes(), loops };
}

function skipValType(r: ByteReader, func: number): void {
  const t = r.byte();
  if (t === 0x64 || t === 0x63) throw new UnsupportedInstruction(`unsupported typed reference in function ${func}`);
}

function unsupported(op: string, func: number): never {
  throw new UnsupportedInstruction(`unsupported instruction ${op} in function ${func}`);
}

/** Copies one function's instructions, inserting `check` after each loop's block type. Returns the loop count. */
function meterInstructions(r: ByteReader, out: ByteWriter, check: Uint8Array, func: number): number {
  const bytes = r.bytes;
  let loops = 0;
  let copied = r.pos;
  while (!r.done) {
    const op = r.byte();
    if (op === 0x03) {
      r.skipLeb(5);
      out.bytes(bytes.subarray(copied, r.pos)).bytes(check);
      copied = r.pos;
      loops++;
      continue;
    }
    skipImmediates(op, r, func);
  }
  out.bytes(bytes.subarray(copied, r.pos));
  return loops;
}

function skipMemarg(r: ByteReader): void {
  const align = r.u32();
  if ((align & 0x40) !== 0) r.u32(); // multi-memory: memory index follows
  r.u32();
}

function skipImmediates(op: number, r: ByteReader, func: number): void {
  // Plain numeric and parametric instructions without immediates: the bulk of any function.
  if ((op >= 0x45 && op <= 0xc4) || op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || op === 0xd1) return;
  if (op >= 0x28 && op <= 0x3e) return skipMemarg(r);
  switch (op) {
    case 0x02: // block
    case 0x04: // if
      return r.skipLeb(5);
    case 0x0c: // br
    case 0x0d: // br_if
    case 0x10: // call
    case 0x12: // return_call
    case 0x20:
    case 0x21:
    case 0x22: // local.*
    case 0x23:
    case 0x24: // global.*
    case 0x25:
    case 0x26: // table.get/set
    case 0x3f:
    case 0x40: // memory.size/grow
    case 0xd2: // ref.func
      r.u32();
      return;
    case 0x0e: {
      // br_table: vector of labels, then the default
      for (let n = r.u32(), i = 0; i <= n; i++) r.u32();
      return;
    }
    case 0x11: // call_indirect
    case 0x13: // return_call_indirect
      r.u32();
      r.u32();
      return;
    case 0x1c: // select with types
      for (let n = r.u32(), i = 0; i < n; i++) skipValType(r, func);
      return;
    case 0x41:
      return r.skipLeb(5);
    case 0x42:
      return r.skipLeb(10);
    case 0x43:
      return r.skip(4);
    case 0x44:
      return r.skip(8);
    case 0xd0: // ref.null
      return skipValType(r, func);
    case 0xfc:
      return skipPrefixedFC(r, func);
  }
  unsupported(`0x${op.toString(16).padStart(2, '0')}`, func);
}

function skipPrefixedFC(r: ByteReader, func: number): void {
  const sub = r.u32();
  if (sub <= 7) return; // saturating float-to-int
  switch (sub) {
    case 8: // memory.init data mem
    case 10: // memory.copy dst src
    case 12: // table.init elem table
    case 14: // table.copy
      r.u32();
      r.u32();
      return;
    case 9: // data.drop
    case 11: // memory.fill
    case 13: // elem.drop
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      r.u32();
      return;
  }
  unsupported(`0xfc ${sub}`, func);
}
