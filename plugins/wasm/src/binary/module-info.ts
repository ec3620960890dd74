/**
 * Decodes the parts of a wasm module's structure the loader needs: sections and their byte ranges, function
 * types, imports, memories, the number of globals, exports. Function bodies are left to fuel.ts.
 */
import { ByteReader, WasmFormatError } from './bytes.js';

export const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

/** Where a section sits in the binary: `start..end` is its payload, `headerStart` its id byte. */
export interface SectionRange {
  id: number;
  headerStart: number;
  start: number;
  end: number;
}

export interface FuncType {
  params: number[];
  results: number[];
}

export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';
const KINDS: ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

export interface ImportEntry {
  module: string;
  name: string;
  kind: ExternKind;
  /** Type index of an imported function. */
  typeIndex: number;
}

export interface ExportEntry {
  name: string;
  kind: ExternKind;
  index: number;
}

export interface MemoryLimits {
  min: number;
  max: number | undefined;
  shared: boolean;
  memory64: boolean;
}

export interface ModuleInfo {
  sections: SectionRange[];
  types: FuncType[];
  imports: ImportEntry[];
  importedFuncs: number;
  importedGlobals: number;
  /** Type index of each function defined in the module. */
  funcTypes: number[];
  memories: MemoryLimits[];
  definedGlobals: number;
  exports: ExportEntry[];
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

export function readModuleInfo(bytes: Uint8Array): ModuleInfo {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw new WasmFormatError('not a WebAssembly binary (bad magic number)');
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) throw new WasmFormatError('unsupported WebAssembly binary version');
  const info: ModuleInfo = { sections: [], types: [], imports: [], importedFuncs: 0, importedGlobals: 0, funcTypes: [], memories: [], definedGlobals: 0, exports: [] };
  const r = new ByteReader(bytes, 8);
  while (!r.done) {
    const headerStart = r.pos;
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    const range = { id, headerStart, start, end: start + size };
    info.sections.push(range);
    const body = new ByteReader(bytes, start, range.end);
    switch (id) {
      case SECTION.type:
        readTypes(body, info);
        break;
      case SECTION.import:
        readImports(body, info);
        break;
      case SECTION.function:
        for (let n = body.u32(), i = 0; i < n; i++) info.funcTypes.push(body.u32());
        break;
      case SECTION.memory:
        for (let n = body.u32(), i = 0; i < n; i++) info.memories.push(readLimits(body));
        break;
      case SECTION.global:
        info.definedGlobals = body.u32();
        break;
      case SECTION.export:
        for (let n = body.u32(), i = 0; i < n; i++) {
          const name = body.name();
          const kind = KINDS[body.byte()] ?? 'tag';
          info.exports.push({ name, kind, index: body.u32() });
        }
        break;
    }
  }
  return info;
}

function readTypes(r: ByteReader, info: ModuleInfo): void {
  for (let n = r.u32(), i = 0; i < n; i++) {
    const form = r.byte();
    if (form !== 0x60) throw new WasmFormatError(`type ${i}: unsupported type form 0x${form.toString(16)} (GC types are not supported)`);
    const params: number[] = [];
    for (let k = r.u32(), j = 0; j < k; j++) params.push(r.byte());
    const results: number[] = [];
    for (let k = r.u32(), j = 0; j < k; j++) results.push(r.byte());
    info.types.push({ params, results });
  }
}

function readImports(r: ByteReader, info: ModuleInfo): void {
  for (let n = r.u32(), i = 0; i < n; i++) {
    const module = r.name();
    const name = r.name();
    const kindByte = r.byte();
    const kind = KINDS[kindByte];
    if (kind === undefined) throw new WasmFormatError(`import ${module}.${name}: unknown kind ${kindByte}`);
    let typeIndex = -1;
    if (kind === 'func') {
      typeIndex = r.u32();
      info.importedFuncs++;
    } else if (kind === 'table') {
      r.byte();
      readLimits(r);
    } else if (kind === 'memory') readLimits(r);
    else if (kind === 'global') {
      r.byte();
      r.byte();
      info.importedGlobals++;
    } else {
      r.byte();
      r.u32();
    }
    info.imports.push({ module, name, kind, typeIndex });
  }
}

function readLimits(r: ByteReader): MemoryLimits {
  const flags = r.byte();
  if (flags > 0x07) throw new WasmFormatError(`unsupported limits flags 0x${flags.toString(16)}`);
  const memory64 = (flags & 0x04) !== 0;
  const min = memory64 ? r.u64() : r.u32();
  const max = (flags & 0x01) !== 0 ? (memory64 ? r.u64() : r.u32()) : undefined;
  return { min, max, shared: (flags & 0x02) !== 0, memory64 };
}

export const VALTYPE_NAMES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

export function formatType(t: FuncType): string {
  const list = (v: number[]) => v.map((x) => VALTYPE_NAMES[x] ?? `0x${x.toString(16)}`).join(', ');
  return `(${list(t.params)}) -> (${list(t.results)})`;
}
