/**
 * Turns a middleware module as published into the module Portico runs: validated against the ABI, its
 * memory `max` capped, fuel metering added and the fuel counter exported. Done once per module content
 * (cached by hash in compile-cache.ts).
 */
import { FUEL_EXPORT } from '../abi.js';
import { ByteReader, ByteWriter, WasmFormatError } from './bytes.js';
import { meterCodeSection } from './fuel.js';
import { readModuleInfo, SECTION, type ModuleInfo, type SectionRange } from './module-info.js';
import { checkExports, checkImports, checkMemory, WasmLoadError } from './validate.js';

export interface PreparedModule {
  bytes: Uint8Array;
  /** Loops instrumented (for load logs and tests). */
  loops: number;
  functions: number;
  /** Effective memory max in pages after the cap. */
  memoryMaxPages: number;
}

/**
 * `fuel` is the counter's initial value, so a start function runs under the same budget as one call; the
 * host sets it again before every call.
 */
export function prepareModule(file: string, original: Uint8Array, maxMemoryPages: number, fuel: number): PreparedModule {
  let info: ModuleInfo;
  try {
    info = readModuleInfo(original);
  } catch (err) {
    if (err instanceof WasmFormatError) throw new WasmLoadError(`${file}: ${err.message}`);
    throw err;
  }
  checkImports(file, info);
  checkExports(file, info);
  checkMemory(file, info, maxMemoryPages);
  if (info.exports.some((e) => e.name === FUEL_EXPORT)) throw new WasmLoadError(`${file}: the export name "${FUEL_EXPORT}" is reserved`);
  if (info.sections.some((s) => s.id === SECTION.tag)) throw new WasmLoadError(`${file}: exception handling (tag section) is not supported`);

  const fuelGlobal = info.importedGlobals + info.definedGlobals;
  const mem = info.memories[0];
  const memoryMaxPages = Math.min(mem.max ?? maxMemoryPages, maxMemoryPages);
  const out = new ByteWriter().bytes(original.subarray(0, 8));
  let loops = 0;
  let globalWritten = false;
  const writeGlobal = (range: SectionRange | undefined) => {
    const w = new ByteWriter();
    if (range === undefined) w.u32(1);
    else {
      const r = new ByteReader(original, range.start, range.end);
      w.u32(r.u32() + 1).bytes(original.subarray(r.pos, range.end));
    }
    w.byte(0x7e).byte(0x01).byte(0x42).s64(BigInt(fuel)).byte(0x0b); // (global (mut i64) (i64.const fuel))
    out.section(SECTION.global, w.toBytes());
    globalWritten = true;
  };

  for (const range of info.sections) {
    const payload = original.subarray(range.start, range.end);
    // The global section comes right before exports; create it there when the module has none.
    if (range.id === SECTION.export && !globalWritten) writeGlobal(undefined);
    switch (range.id) {
      case SECTION.memory: {
        const w = new ByteWriter().u32(1).byte(0x01).u32(mem.min).u32(memoryMaxPages);
        out.section(SECTION.memory, w.toBytes());
        break;
      }
      case SECTION.global:
        writeGlobal(range);
        break;
      case SECTION.export: {
        const r = new ByteReader(original, range.start, range.end);
        const w = new ByteWriter().u32(r.u32() + 1).bytes(original.subarray(r.pos, range.end));
        w.name(FUEL_EXPORT).byte(0x03).u32(fuelGlobal);
        out.section(SECTION.export, w.toBytes());
        break;
      }
      case SECTION.code: {
        try {
          const metered = meterCodeSection(original, range.start, range.end, fuelGlobal, info.importedFuncs);
          loops = metered.loops;
          out.section(SECTION.code, metered.payload);
        } catch (err) {
          if (err instanceof WasmLoadError || err instanceof WasmFormatError) throw new WasmLoadError(`${file}: ${err.message}`);
          throw err;
        }
        break;
      }
      default:
        out.section(range.id, payload);
    }
  }
  return { bytes: out.toBytes(), loops, functions: info.funcTypes.length, memoryMaxPages };
}
