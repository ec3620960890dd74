import { pathToFileURL } from 'node:url';
import type { Plugin } from '@portico/sdk';
import { bundlePlugin, type BundleResult } from './bundle.js';
import { pluginsOf } from './exports.js';

export interface TypeScriptPlugin {
  plugins: Plugin[];
  bundle: BundleResult;
}

/**
 * Source maps in stack traces: the bundles carry inline maps, and Node applies them to `Error.stack` once this
 * is on (process-wide, as `--enable-source-maps` would). Turned on only when a TypeScript plugin loads.
 */
export function enableSourceMaps(): void {
  process.setSourceMapsEnabled(true);
}

/** Imports a bundle and returns the plugins it exports. */
export async function importBundle(file: string, config?: Record<string, unknown>): Promise<Plugin[]> {
  enableSourceMaps();
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  return pluginsOf(mod, config);
}

/** Bundles a TypeScript entry (local file or installed package) into the cache and imports it. */
export async function loadTypeScriptPlugin(entry: string, cacheDir: string, config?: Record<string, unknown>): Promise<TypeScriptPlugin> {
  const bundle = await bundlePlugin(entry, cacheDir);
  return { plugins: await importBundle(bundle.file, config), bundle };
}
