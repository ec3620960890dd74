/**
 * Prepares (validate, cap memory, meter fuel) and compiles a module once per content and limits: the same
 * file enabled twice, or reloaded unchanged, reuses the compiled WebAssembly.Module.
 */
import { createHash } from 'node:crypto';
import { prepareModule, type PreparedModule } from './binary/prepare.js';
import { WasmLoadError } from './binary/validate.js';

export interface CompiledMiddleware {
  module: WebAssembly.Module;
  prepared: PreparedModule;
  /** Milliseconds spent preparing and compiling (0 on a cache hit). */
  loadMs: number;
  cached: boolean;
}

const cache = new Map<string, { module: WebAssembly.Module; prepared: PreparedModule }>();

export function compileMiddlewareModule(file: string, bytes: Uint8Array, maxMemoryPages: number, fuel: number): CompiledMiddleware {
  const key = `${createHash('sha256').update(bytes).digest('hex')}:${maxMemoryPages}:${fuel}`;
  const hit = cache.get(key);
  if (hit !== undefined) return { ...hit, loadMs: 0, cached: true };
  const started = performance.now();
  const prepared = prepareModule(file, bytes, maxMemoryPages, fuel);
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(prepared.bytes as Uint8Array<ArrayBuffer>);
  } catch (err) {
    throw new WasmLoadError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  cache.set(key, { module, prepared });
  return { module, prepared, loadMs: performance.now() - started, cached: false };
}

/** Forgets compiled modules (tests measuring cold loads). */
export function clearCompileCache(): void {
  cache.clear();
}
