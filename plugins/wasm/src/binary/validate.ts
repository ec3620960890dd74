/**
 * Load-time checks of a middleware module against the ABI (abi.ts): which imports it may use, what it must
 * export, and whether its memory fits the cap. Every problem is an error naming the file and the culprit.
 */
import { ENTRY_EXPORT, ENV_IMPORTS, ENV_MODULE, REFUSED_ENV_IMPORTS, USER_IMPORTS, USER_MODULE, type Signature } from '../abi.js';
import { formatType, type FuncType, type ModuleInfo } from './module-info.js';

/** A module the portico runtime will not run; the message names the file. */
export class WasmLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WasmLoadError';
  }
}

function sameType(t: FuncType, s: Signature): boolean {
  return t.params.length === s.params.length && t.results.length === s.results.length && t.params.every((p, i) => p === s.params[i]) && t.results.every((r, i) => r === s.results[i]);
}

export function checkImports(file: string, info: ModuleInfo): void {
  for (const imp of info.imports) {
    const where = `${file}: import "${imp.module}" "${imp.name}"`;
    if (imp.module.startsWith('wasi')) {
      throw new WasmLoadError(`${where}: WASI is not available in the portico runtime (use runtime: extism-worker)`);
    }
    if (imp.kind !== 'func') throw new WasmLoadError(`${where}: only functions can be imported, not a ${imp.kind}`);
    let table: Record<string, Signature>;
    if (imp.module === ENV_MODULE) {
      const refused = REFUSED_ENV_IMPORTS[imp.name];
      if (refused !== undefined) throw new WasmLoadError(`${where}: not supported in the portico runtime: ${refused}`);
      table = ENV_IMPORTS;
    } else if (imp.module === USER_MODULE) table = USER_IMPORTS;
    else throw new WasmLoadError(`${where}: unknown import module (allowed: "${ENV_MODULE}", "${USER_MODULE}")`);
    const expected = Object.hasOwn(table, imp.name) ? table[imp.name] : undefined;
    if (expected === undefined) throw new WasmLoadError(`${where}: unknown host function`);
    const actual = info.types[imp.typeIndex];
    if (actual === undefined || !sameType(actual, expected)) {
      throw new WasmLoadError(`${where}: signature ${actual ? formatType(actual) : '?'} does not match ${formatType(expected)}`);
    }
  }
}

export function checkExports(file: string, info: ModuleInfo): void {
  const entry = info.exports.find((e) => e.name === ENTRY_EXPORT);
  if (entry === undefined || entry.kind !== 'func') throw new WasmLoadError(`${file}: the module does not export a function "${ENTRY_EXPORT}"`);
  const typeIndex = entry.index < info.importedFuncs ? undefined : info.funcTypes[entry.index - info.importedFuncs];
  const type = typeIndex === undefined ? undefined : info.types[typeIndex];
  if (type === undefined || !sameType(type, { params: [], results: [0x7f] })) {
    throw new WasmLoadError(`${file}: "${ENTRY_EXPORT}" must have the signature () -> (i32)${type ? `, not ${formatType(type)}` : ''}`);
  }
  if (!info.exports.some((e) => e.kind === 'memory')) throw new WasmLoadError(`${file}: the module does not export a memory`);
}

export function checkMemory(file: string, info: ModuleInfo, maxPages: number): void {
  if (info.memories.length !== 1) throw new WasmLoadError(`${file}: the module must define exactly one memory (it defines ${info.memories.length})`);
  const mem = info.memories[0];
  if (mem.memory64) throw new WasmLoadError(`${file}: 64-bit memories are not supported`);
  if (mem.shared) throw new WasmLoadError(`${file}: shared memories are not supported`);
  if (mem.min > maxPages) {
    throw new WasmLoadError(`${file}: the module needs ${mem.min} memory pages at start, more than limits.maxMemoryPages (${maxPages})`);
  }
}
