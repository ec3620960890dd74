// The abort handler: compile with `--use abort=~lib/@portico/sdk/assembly/abort/portico_abort` (see
// docs/plugins/assemblyscript.md). AssemblyScript calls it for `throw`, failed assertions and out-of-bounds
// accesses. It hands the host the message `abort: <message> at <file>:<line>:<column>` through `error_set`,
// then traps: Portico reports the message with the 500 it answers, and recreates the instance.
//
// The message is written without touching the heap (a static buffer and a hand-made number formatter), so an
// abort raised by the allocator itself still gets reported. It is also logged with `log_error`, in a separate
// block (Extism 2.x frees a block once logged), because the @extism/extism SDK drops the error_set message
// when the call traps and only its logger shows it.

import { alloc, error_set, log_error, store_u64, store_u8 } from "./env";

const CAPACITY: usize = 1024;
const buffer = memory.data(<i32>CAPACITY);
let used: usize = 0;
let aborting = false;

export function portico_abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  if (!aborting) {
    aborting = true; // an abort while reporting one (should not happen) just traps
    used = 0;
    appendString("abort: ");
    appendString(message !== null ? message : "(no message)");
    if (fileName !== null) {
      appendString(" at ");
      appendString(fileName);
      appendString(":");
      appendNumber(line);
      appendString(":");
      appendNumber(column);
    }
    const logged = bufferBlock();
    if (logged != 0) log_error(logged);
    const reported = bufferBlock();
    if (reported != 0) error_set(reported);
    aborting = false;
  }
  unreachable();
}

function appendString(s: string): void {
  const room = CAPACITY - used;
  let units = s.length;
  if (<usize>units * 3 > room) units = <i32>(room / 3); // truncate rather than overflow
  used += String.UTF8.encodeUnsafe(changetype<usize>(s), units, buffer + used, false, String.UTF8.ErrorMode.REPLACE);
}

function appendNumber(n: u32): void {
  let digits: usize = 1;
  for (let rest = n / 10; rest != 0; rest /= 10) digits++;
  if (digits > CAPACITY - used) return;
  for (let i = digits; i > 0; i--) {
    store<u8>(buffer + used + i - 1, <u8>(48 + n % 10));
    n /= 10;
  }
  used += digits;
}

function bufferBlock(): u64 {
  const handle = alloc(<u64>used);
  if (handle == 0) return 0;
  const whole = used & ~(<usize>7);
  let i: usize = 0;
  for (; i < whole; i += 8) store_u64(handle + <u64>i, load<u64>(buffer + i));
  for (; i < used; i++) store_u8(handle + <u64>i, load<u8>(buffer + i));
  return handle;
}
