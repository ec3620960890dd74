/**
 * @portico/plugin-loader — loads the third-party plugins named in the static `plugins` section:
 *   - `package`: an npm package, installed into `pluginHost.directory` and pinned in the lockfile (./npm),
 *     then bundled like a local plugin so it shares the host's @portico/sdk;
 *   - `path`: a local TypeScript file or folder, bundled by esbuild into the cache (./local);
 *   - `wasm`: a WebAssembly module on the Extism ABI, run by @portico/plugin-wasm.
 *
 * Every failure is an issue naming the plugin and the key (`plugins.<name>.path: …`), never a crash; the CLI
 * stops start-up when there is one, since a configuration that uses a missing plugin would fail closed anyway.
 */
import { join } from 'node:path';
import type { Logger } from './local/logger.js';
import type { ConfigIssue, PluginEntry, PluginHostConfig } from '@portico/core';
import type { Plugin } from '@portico/sdk';
import { resolveLocalEntry } from './local/entry.js';
import { loadTypeScriptPlugin } from './local/import-bundle.js';
import { watchLocalPlugins, type WatchedPlugin } from './local/watch.js';
import { checkCompatible, manifestOf, type PluginManifest } from './manifest.js';
import { loadWasmEntry, type WasmHostModule } from './wasm-entry.js';

export { resolveLocalEntry } from './local/entry.js';
export { bundlePlugin, type BundleResult } from './local/bundle.js';
export { pluginsOf } from './local/exports.js';
export { extismConfig, WASM_DEFAULTS, type WasmHostModule } from './wasm-entry.js';

export type PluginSource = 'package' | 'path' | 'wasm';

export interface LoadedPlugin {
  /** Static name (`plugins.<name>`): the name used in dynamic configuration. */
  name: string;
  source: PluginSource;
  plugins: Plugin[];
  /** For package plugins: the installed version; for TS plugins: the bundle loaded. */
  version?: string;
  bundle?: string;
  /** Entry file bundled (TypeScript plugins): what watch mode rebuilds. */
  entryFile?: string;
  /** Hash of the bundle loaded (TypeScript plugins). */
  bundleHash?: string;
}

export interface LoadPluginsResult {
  loaded: LoadedPlugin[];
  issues: ConfigIssue[];
}

/** A2's installer (./npm/index.js): resolves an enabled package to its installed folder. */
export interface NpmInstaller {
  installNpmPlugin(
    name: string,
    entry: PluginEntry,
    options: { directory: string; lockFile: string; registry: string; offline: boolean; version: string; log: Logger },
  ): Promise<{ name: string; version: string; dir: string; entryFile: string; manifest: PluginManifest }>;
}

export interface LoadPluginsOptions {
  /** Folder relative paths were resolved against (the static file's folder). */
  baseDir: string;
  /** `pluginHost`, with defaults and absolute paths (as loadPluginSection returns it). */
  host: PluginHostConfig;
  /** Portico's version: plugins declare the range they are compatible with. */
  version: string;
  log: Logger;
  /** Static configuration file, named in issues. */
  file?: string;
  /** Replacements of the npm installer and the WASM host (tests). */
  npm?: NpmInstaller;
  wasm?: WasmHostModule;
}

/** Where bundles are cached: `<pluginHost.directory>/cache`. */
export function cacheDirOf(host: PluginHostConfig): string {
  return join(host.directory, 'cache');
}

/** Loads every enabled plugin, each independently: one failing does not stop the others from loading. */
export async function loadPlugins(entries: Record<string, PluginEntry>, opts: LoadPluginsOptions): Promise<LoadPluginsResult> {
  const loaded: LoadedPlugin[] = [];
  const issues: ConfigIssue[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    if (entry === undefined || entry === null) continue;
    const source: PluginSource | undefined = entry.package !== undefined ? 'package' : entry.path !== undefined ? 'path' : entry.wasm !== undefined ? 'wasm' : undefined;
    if (source === undefined) {
      issues.push(issue(opts, `plugins.${name}`, 'needs one of package, path or wasm'));
      continue;
    }
    const started = Date.now();
    try {
      const one = await loadOne(name, entry, source, opts);
      loaded.push(one);
      opts.log.info({ plugin: name, source, version: one.version, bundle: one.bundle, ms: Date.now() - started }, `plugin ${name} loaded`);
    } catch (err) {
      issues.push(issue(opts, `plugins.${name}.${source}`, `plugin ${name}: ${(err as Error)?.message ?? String(err)}`));
    }
  }
  return { loaded, issues };
}

async function loadOne(name: string, entry: PluginEntry, source: PluginSource, opts: LoadPluginsOptions): Promise<LoadedPlugin> {
  const cacheDir = cacheDirOf(opts.host);
  if (source === 'wasm') {
    const plugin = await loadWasmEntry(name, entry, opts.log.child({ plugin: name }), opts.wasm);
    return { name, source, plugins: [plugin] };
  }
  if (source === 'path') {
    const local = resolveLocalEntry(entry.path!);
    let manifest: PluginManifest | undefined;
    if (local.packageJson?.portico !== undefined) {
      manifest = manifestOf(local.packageJson, `local plugin ${entry.path}`);
      checkCompatible(manifest, opts.version, `local plugin ${entry.path}`);
    }
    const ts = await loadTypeScriptPlugin(local.file, cacheDir, entry.config);
    if (manifest) checkKind(ts.plugins, manifest);
    return { name, source, plugins: ts.plugins, bundle: ts.bundle.file, entryFile: local.file, bundleHash: ts.bundle.hash };
  }
  const npm = opts.npm ?? (await importInstaller());
  const installed = await npm.installNpmPlugin(name, entry, {
    directory: opts.host.directory,
    lockFile: opts.host.lockFile,
    registry: entry.registry ?? opts.host.registry,
    offline: opts.host.offline,
    version: opts.version,
    log: opts.log.child({ plugin: name }),
  });
  const ts = await loadTypeScriptPlugin(installed.entryFile, cacheDir, entry.config);
  checkKind(ts.plugins, installed.manifest);
  return { name, source, plugins: ts.plugins, version: installed.version, bundle: ts.bundle.file, bundleHash: ts.bundle.hash };
}

/** Loaded lazily (by a computed specifier) so start-up pays for tar/semver only when a package is enabled. */
async function importInstaller(): Promise<NpmInstaller> {
  const specifier = './npm/index.js';
  const mod = (await import(specifier)) as Partial<NpmInstaller>;
  if (typeof mod.installNpmPlugin !== 'function') throw new Error('the npm installer is not available in this build');
  return mod as NpmInstaller;
}

/** The manifest's `kind` must be what the module exports. */
function checkKind(plugins: Plugin[], manifest: PluginManifest): void {
  if (!plugins.some((p) => p.kind === manifest.kind)) {
    const got = [...new Set(plugins.map((p) => p.kind))].join(' and ');
    throw new Error(`its package.json "portico.kind" is "${manifest.kind}", but the module exports ${got} plugin(s)`);
  }
}

function issue(opts: LoadPluginsOptions, path: string, message: string): ConfigIssue {
  return opts.file === undefined ? { path, message, severity: 'error' } : { file: opts.file, path, message, severity: 'error' };
}

/**
 * Watch mode for the local TypeScript plugins among `loaded`: on a successful rebuild, `onRebuilt` gets the new
 * plugins (re-register them and rebuild the runtime). Returns a function that stops watching.
 */
export async function watchPlugins(
  loaded: readonly LoadedPlugin[],
  entries: Record<string, PluginEntry>,
  opts: Pick<LoadPluginsOptions, 'host' | 'log'>,
  onRebuilt: (name: string, plugins: Plugin[]) => void | Promise<void>,
): Promise<() => Promise<void>> {
  const watched: WatchedPlugin[] = loaded
    .filter((l) => l.source === 'path' && l.entryFile !== undefined && l.bundleHash !== undefined)
    .map((l) => ({ name: l.name, entry: l.entryFile!, hash: l.bundleHash!, config: entries[l.name]?.config }));
  if (watched.length === 0) return async () => undefined;
  opts.log.info({ plugins: watched.map((w) => w.name) }, 'watching local plugins for changes');
  return watchLocalPlugins(watched, cacheDirOf(opts.host), opts.log, onRebuilt);
}

/** Registers what was loaded under the static names; errors name the plugin. */
export function registerLoaded(registry: { registerNamed(name: string, plugin: Plugin[]): void }, loaded: readonly LoadedPlugin[]): void {
  for (const l of loaded) {
    try {
      registry.registerNamed(l.name, l.plugins);
    } catch (err) {
      throw new Error(`plugins.${l.name}: ${(err as Error).message}`);
    }
  }
}

/** Schemas of the provider plugins among `loaded`, by static name (for loadStaticConfig's `providers.<name>`). */
export function providerSchemasOf(loaded: readonly LoadedPlugin[]): Record<string, Plugin['schema']> {
  const out: Record<string, Plugin['schema']> = {};
  for (const l of loaded) for (const p of l.plugins) if (p.kind === 'provider') out[l.name] = p.schema;
  return out;
}
