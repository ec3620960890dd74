// Call input, output and error, for exports other than handle_request (Portico calls handle_request with no
// input and reads no output) — e.g. helper exports a test drives with @extism/extism.

import { error_set, input_length, input_load_u64, input_load_u8, length as length_of, output_set } from "./env";
import { blockFromMemory, blockFromString } from "./strings";

/**
 * Makes the call fail with `message`: `return fail("...")` from handle_request. Portico logs the message and
 * answers 500; @extism/extism rejects the call with "Plugin-originated error: <message>".
 */
export function fail(message: string): i32 {
  error_set(blockFromString(message));
  return 1;
}

export namespace Host {
  /** The call's input bytes. */
  export function input(): Uint8Array {
    const len = <i32>input_length();
    const out = new Uint8Array(len);
    const dst = out.dataStart;
    const whole = len & ~7;
    let i = 0;
    for (; i < whole; i += 8) store<u64>(dst + <usize>i, input_load_u64(<u64>i));
    for (; i < len; i++) store<u8>(dst + <usize>i, input_load_u8(<u64>i));
    return out;
  }

  /** The call's input as UTF-8 text. */
  export function inputString(): string {
    const bytes = input();
    return String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.byteLength);
  }

  /** Sets the call's output bytes. */
  export function output(bytes: Uint8Array): void {
    const len = <usize>bytes.byteLength;
    output_set(blockFromMemory(bytes.dataStart, len), <u64>len);
  }

  /** Sets the call's output to `s` in UTF-8 (its byte length, not `s.length`). */
  export function outputString(s: string): void {
    const handle = blockFromString(s);
    output_set(handle, length_of(handle));
  }
}
