import { readFile } from 'node:fs/promises';
import type { Logger } from './local/logger.js';
import type { MiddlewarePlugin } from '@portico/sdk';
import type { PluginEntry } from '@portico/core';
import type { WasmMiddlewareOptions } from '@portico/plugin-wasm';

/** What @portico/plugin-wasm provides (loaded lazily: a proxy with no WASM plugin never loads the host). */
export interface WasmHostModule {
  loadWasmMiddleware(options: WasmMiddlewareOptions): Promise<MiddlewarePlugin>;
}

/** Defaults of the wasm-only options (documented on the static schema, applied here). */
export const WASM_DEFAULTS = { maxMemoryPages: 256, fuel: 10_000_000, runtime: 'portico' } as const;

const WASM_HOST = '@portico/plugin-wasm';

/** Extism's config map holds strings: other values are passed as JSON. */
export function extismConfig(config: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config ?? {})) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/** Loads a `wasm` entry: reads the module and hands it to the WASM host with its limits. */
export async function loadWasmEntry(name: string, entry: PluginEntry, log: Logger, host?: WasmHostModule): Promise<MiddlewarePlugin> {
  const file = entry.wasm!;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${(err as Error).message}`);
  }
  const wasm = host ?? ((await import(WASM_HOST as string)) as WasmHostModule);
  if (typeof wasm.loadWasmMiddleware !== 'function') throw new Error(`${WASM_HOST} does not provide loadWasmMiddleware yet`);
  const options: WasmMiddlewareOptions = {
    name,
    file,
    bytes,
    config: extismConfig(entry.config),
    limits: {
      maxMemoryPages: entry.limits?.maxMemoryPages ?? WASM_DEFAULTS.maxMemoryPages,
      fuel: entry.limits?.fuel ?? WASM_DEFAULTS.fuel,
    },
    runtime: entry.runtime ?? WASM_DEFAULTS.runtime,
    log,
  };
  // Worker-runtime settings: passed only when given, the host applies its own defaults.
  if (entry.limits?.timeout !== undefined) options.limits.timeout = entry.limits.timeout;
  if (entry.allowedHosts !== undefined && entry.allowedHosts.length > 0) options.allowedHosts = entry.allowedHosts;
  return wasm.loadWasmMiddleware(options);
}
