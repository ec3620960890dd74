/**
 * Load-time checks and the memory cap for the `extism-worker` runtime. The module goes to @extism/extism
 * 1.0.3, which has no memory limit of its own, so the memory section's `max` is rewritten here exactly as in
 * the portico runtime; fuel metering is not added (the worker is stopped by a timer instead).
 *
 * Imports allowed on top of the portico runtime's: WASI preview 1 (`wasi_snapshot_preview1`, what node:wasi
 * provides) and `http_request`/`http_status_code` (answered by the SDK within `allowedHosts`).
 */
import { ENV_IMPORTS, ENV_MODULE, USER_IMPORTS, USER_MODULE, type Signature } from '../abi.js';
import { ByteWriter, WasmFormatError } from '../binary/bytes.js';
import { formatType, readModuleInfo, SECTION, type ModuleInfo } from '../binary/module-info.js';
import { checkExports, checkMemory, WasmLoadError } from '../binary/validate.js';

const I32 = 0x7f;
const I64 = 0x7e;
export const WASI_MODULE = 'wasi_snapshot_preview1';

/** env functions the worker runtime adds: outbound HTTP through the SDK. */
const WORKER_ENV_IMPORTS: Record<string, Signature> = {
  ...ENV_IMPORTS,
  http_request: { params: [I64, I64], results: [I64] },
  http_status_code: { params: [], results: [I32] },
};

let wasiNames: Set<string> | undefined;

/**
 * The WASI preview 1 functions node:wasi provides (what the SDK links). Imported on demand: node:wasi prints
 * an ExperimentalWarning when loaded, which a proxy without worker-mode modules should not show.
 */
async function wasiFunctions(): Promise<Set<string>> {
  if (wasiNames === undefined) {
    const { WASI } = await import('node:wasi');
    wasiNames = new Set(Object.keys(new WASI({ version: 'preview1' }).wasiImport));
  }
  return wasiNames;
}

function checkWorkerImports(file: string, info: ModuleInfo, wasi: Set<string>): void {
  for (const imp of info.imports) {
    const where = `${file}: import "${imp.module}" "${imp.name}"`;
    if (imp.kind !== 'func') throw new WasmLoadError(`${where}: only functions can be imported, not a ${imp.kind}`);
    if (imp.module === WASI_MODULE) {
      if (!wasi.has(imp.name)) throw new WasmLoadError(`${where}: not a WASI preview 1 function`);
      continue;
    }
    let table: Record<string, Signature>;
    if (imp.module === ENV_MODULE) table = WORKER_ENV_IMPORTS;
    else if (imp.module === USER_MODULE) table = USER_IMPORTS;
    else throw new WasmLoadError(`${where}: unknown import module (allowed: "${ENV_MODULE}", "${USER_MODULE}", "${WASI_MODULE}")`);
    const expected = Object.hasOwn(table, imp.name) ? table[imp.name] : undefined;
    if (expected === undefined) {
      throw new WasmLoadError(`${where}: unknown host function${imp.name === 'http_headers' ? ' (an Extism 2.x addition that @extism/extism 1.0.3 lacks)' : ''}`);
    }
    const actual = info.types[imp.typeIndex];
    const same = actual !== undefined && actual.params.join() === expected.params.join() && actual.results.join() === expected.results.join();
    if (!same) throw new WasmLoadError(`${where}: signature ${actual ? formatType(actual) : '?'} does not match ${formatType(expected)}`);
  }
}

export interface WorkerModule {
  /** The module with its memory `max` capped. */
  bytes: Uint8Array;
  memoryMaxPages: number;
  /** True when the module imports WASI (the plugin is created with `useWasi`). */
  usesWasi: boolean;
  usesHttp: boolean;
}

export async function prepareWorkerModule(file: string, original: Uint8Array, maxMemoryPages: number): Promise<WorkerModule> {
  let info: ModuleInfo;
  try {
    info = readModuleInfo(original);
  } catch (err) {
    if (err instanceof WasmFormatError) throw new WasmLoadError(`${file}: ${err.message}`);
    throw err;
  }
  checkWorkerImports(file, info, info.imports.some((i) => i.module === WASI_MODULE) ? await wasiFunctions() : new Set());
  checkExports(file, info);
  checkMemory(file, info, maxMemoryPages);
  const mem = info.memories[0];
  const memoryMaxPages = Math.min(mem.max ?? maxMemoryPages, maxMemoryPages);
  const out = new ByteWriter().bytes(original.subarray(0, 8));
  for (const range of info.sections) {
    if (range.id === SECTION.memory) out.section(SECTION.memory, new ByteWriter().u32(1).byte(0x01).u32(mem.min).u32(memoryMaxPages).toBytes());
    else out.section(range.id, original.subarray(range.start, range.end));
  }
  const bytes = out.toBytes();
  try {
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (err) {
    throw new WasmLoadError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    bytes,
    memoryMaxPages,
    usesWasi: info.imports.some((i) => i.module === WASI_MODULE),
    usesHttp: info.imports.some((i) => i.module === ENV_MODULE && i.name === 'http_request'),
  };
}
