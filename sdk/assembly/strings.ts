// Moving UTF-8 strings between AssemblyScript and Extism memory blocks.
//
// Bytes go through one scratch buffer in linear memory that is reused from call to call, and cross the
// boundary eight at a time (load_u64/store_u64) with a byte tail, so marshalling a string costs one host call
// per 8 bytes and allocates only the resulting AssemblyScript string. No `Memory` objects, and lengths are
// UTF-8 byte counts, never `string.length` (UTF-16 units) — the mistake behind @extism/as-pdk's outputString.

import { alloc, length, load_u8, load_u64, store_u8, store_u64 } from "./env";

let scratch: usize = 0;
let scratchSize: usize = 0;

/** The scratch buffer, grown to hold at least `size` bytes (its content is not kept when it grows). */
function scratchOf(size: usize): usize {
  if (size > scratchSize) {
    if (scratch != 0) heap.free(scratch);
    let grown: usize = 256;
    while (grown < size) grown <<= 1;
    scratch = heap.alloc(grown);
    scratchSize = grown;
  }
  return scratch;
}

/** Copies `len` bytes of the block at `handle` into linear memory at `dst`. */
export function copyFromBlock(handle: u64, dst: usize, len: usize): void {
  const whole = len & ~(<usize>7);
  let i: usize = 0;
  while (i < whole) {
    store<u64>(dst + i, load_u64(handle + <u64>i));
    i += 8;
  }
  while (i < len) {
    store<u8>(dst + i, load_u8(handle + <u64>i));
    i++;
  }
}

/** A new block holding `len` bytes copied from linear memory at `src`. Traps if the host refuses the block. */
export function blockFromMemory(src: usize, len: usize): u64 {
  const handle = alloc(<u64>len);
  if (handle == 0) throw new Error("the host refused a memory block of " + len.toString() + " bytes");
  const whole = len & ~(<usize>7);
  let i: usize = 0;
  while (i < whole) {
    store_u64(handle + <u64>i, load<u64>(src + i));
    i += 8;
  }
  while (i < len) {
    store_u8(handle + <u64>i, load<u8>(src + i));
    i++;
  }
  return handle;
}

/** A new block holding `s` in UTF-8 (lone surrogates become U+FFFD). */
export function blockFromString(s: string): u64 {
  const units = s.length;
  // A UTF-16 unit never needs more than 3 UTF-8 bytes (a surrogate pair is 2 units for 4 bytes).
  const buf = scratchOf(<usize>units * 3);
  const bytes = String.UTF8.encodeUnsafe(changetype<usize>(s), units, buf, false, String.UTF8.ErrorMode.REPLACE);
  return blockFromMemory(buf, bytes);
}

/** A new block holding a copy of `bytes`. */
export function blockFromBytes(bytes: Uint8Array): u64 {
  return blockFromMemory(bytes.dataStart, <usize>bytes.byteLength);
}

/** The UTF-8 text of the block at `handle`; "" for the 0 handle. */
export function stringFromBlock(handle: u64): string {
  if (handle == 0) return "";
  const len = <usize>length(handle);
  if (len == 0) return "";
  const buf = scratchOf(len);
  copyFromBlock(handle, buf, len);
  return String.UTF8.decodeUnsafe(buf, len);
}

/** The UTF-8 text of the block at `handle`, or null for the 0 handle ("absent"). */
export function optionalStringFromBlock(handle: u64): string | null {
  return handle == 0 ? null : stringFromBlock(handle);
}

/** A copy of the bytes of the block at `handle`; empty for the 0 handle. */
export function bytesFromBlock(handle: u64): Uint8Array {
  const len = handle == 0 ? 0 : <i32>length(handle);
  const out = new Uint8Array(len);
  if (len > 0) copyFromBlock(handle, out.dataStart, <usize>len);
  return out;
}
