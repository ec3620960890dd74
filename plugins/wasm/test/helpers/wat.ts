/** Compiles WebAssembly text with wabt (the fixtures and the kernel are written in WAT). */
import { readFileSync } from 'node:fs';
import wabtFactory from 'wabt';

let wabt: Awaited<ReturnType<typeof wabtFactory>> | undefined;

export async function compileWat(source: string, name = 'module.wat'): Promise<Uint8Array> {
  wabt ??= await wabtFactory();
  const mod = wabt.parseWat(name, source, { bulk_memory: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true, multi_value: true });
  try {
    mod.resolveNames();
    mod.validate();
    return mod.toBinary({}).buffer.slice();
  } finally {
    mod.destroy();
  }
}

const fixtures = new URL('../fixtures/', import.meta.url);

/** Compiles test/fixtures/<name>.wat. */
export function fixtureWasm(name: string): Promise<Uint8Array> {
  return compileWat(readFileSync(new URL(`${name}.wat`, fixtures), 'utf8'), `${name}.wat`);
}
