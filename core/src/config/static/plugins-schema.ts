import type { Static } from '@sinclair/typebox';
import { s } from '../../schema/types.js';

/**
 * The static `plugins` and `pluginHost` sections: third-party plugins enabled by name. Traefik's form is
 * `experimental.plugins.<name>: {moduleName, version}` for Go plugins run by Yaegi; Portico's plugins are
 * TypeScript packages, local TypeScript files or WebAssembly modules, so the section has its own shape (the
 * dynamic side keeps Traefik's `http.middlewares.<x>.plugin.<name>`).
 *
 * Every option has a default, as everywhere in the static configuration: `""` means "not given" (the source
 * keys and `version`), so the decoder fills it for every entry and normalizePluginEntry() drops it again.
 */
export const pluginEntrySchema = s.object(
  {
    package: s.string({ description: 'npm package name of a TypeScript plugin (needs `version`).', default: '' }),
    version: s.string({ description: 'Semver range of the npm package, e.g. `^1.2.0` (required with `package`).', default: '' }),
    registry: s.string({ description: 'npm registry URL, or a local registry folder, for this package (default: `pluginHost.registry`).', default: '' }),
    tarball: s.string({ description: 'Path of a package tarball (`npm pack` output) to install instead of downloading it.', default: '', 'x-path': 'file' }),
    path: s.string({ description: 'Local TypeScript plugin: a `.ts` file, or a folder (its package.json `main`, else `src/index.ts`). Bundled at start-up.', default: '', 'x-path': 'file' }),
    wasm: s.string({ description: 'WebAssembly middleware: path of a `.wasm` module built for the Extism plugin ABI.', default: '', 'x-path': 'file' }),
    config: s.optional(
      s.record(s.unknown(), {
        description: 'Free-form options given to the plugin when it loads; for `wasm` plugins, the Extism config map (values become strings).',
      }),
    ),
    limits: s.optional(
      s.object(
        {
          maxMemoryPages: s.integer({ description: 'Most 64 KiB memory pages the module may use (256 = 16 MiB).', default: 256, minimum: 1, maximum: 65536 }),
          fuel: s.integer({
            description:
              'CPU budget of one call in the `portico` runtime (loop iterations + function calls); a call that runs out fails the request with 500. Not used by `extism-worker`.',
            default: 10000000,
            minimum: 1,
          }),
          timeout: s.duration({
            description:
              'Time limit of one call in the `extism-worker` runtime: past it the request fails with 500 and the worker is restarted. Not used by `portico` (fuel is its limit).',
            default: '1s',
          }),
        },
        { description: 'wasm only: memory cap and CPU budget of each call (defaults: 256 pages, 10000000 fuel, 1s timeout).' },
      ),
    ),
    allowedHosts: s.array(s.string({ minLength: 1 }), {
      description:
        'wasm with `runtime: extism-worker` only: hosts the module may reach with Extism `http_request` (exact names or globs such as `*.example.com`). Default: none.',
      default: [],
    }),
    runtime: s.enumOf(['portico', 'extism-worker'], {
      description: 'wasm only: `portico` (in-process synchronous host) or `extism-worker` (@extism/extism in a worker, for WASI or outbound HTTP).',
      default: 'portico',
    }),
  },
  { description: 'One plugin: exactly one of `package`, `path` or `wasm`.' },
);

export const pluginsSchema = s.record(pluginEntrySchema, {
  description:
    'Third-party plugins by name. Middlewares are used in dynamic configuration as `http.middlewares.<x>.plugin.<name>`; provider plugins add `providers.<name>`.',
  default: {},
});

export const pluginHostSchema = s.object(
  {
    directory: s.string({
      description: 'Folder where npm plugins are installed and bundles are cached (relative to the static configuration file\'s folder).',
      default: '.portico/plugins',
      'x-path': 'file',
    }),
    lockFile: s.string({
      description: 'Lockfile pinning installed npm plugins with integrity hashes (relative to the static configuration file\'s folder).',
      default: 'portico-plugins.lock.json',
      'x-path': 'file',
    }),
    registry: s.string({ description: 'Default npm registry: a URL, or a local registry folder.', default: 'https://registry.npmjs.org' }),
    offline: s.boolean({ description: 'Never contact a registry: npm plugins must be installed and pinned in the lockfile already.', default: false }),
    watch: s.boolean({ description: 'Development mode: rebuild local TypeScript plugins when their source changes and apply them live.', default: false }),
  },
  { description: 'Where and how third-party plugins are installed and loaded.', default: {} },
);

/** An entry as decoded: options not given are `""` (their default). */
export type DecodedPluginEntry = Static<typeof pluginEntrySchema>;

/** An entry as the loader takes it (normalizePluginEntry): options not given are absent. */
export interface PluginEntry {
  package?: string;
  version?: string;
  registry?: string;
  tarball?: string;
  path?: string;
  wasm?: string;
  config?: Record<string, unknown>;
  limits?: { maxMemoryPages: number; fuel: number; timeout?: string | number };
  allowedHosts?: string[];
  runtime?: 'portico' | 'extism-worker';
}
export type PluginHostConfig = Static<typeof pluginHostSchema>;

/** The kinds of entry, exactly one of which an entry names. */
export const PLUGIN_SOURCES = ['package', 'path', 'wasm'] as const;

export interface PluginEntryIssue {
  path: string;
  message: string;
}

/** Checks across the options of each entry (after decoding): one source, options that fit that source. */
export function checkPluginEntries(plugins: Record<string, DecodedPluginEntry | PluginEntry> | undefined): PluginEntryIssue[] {
  const issues: PluginEntryIssue[] = [];
  for (const [name, entry] of Object.entries(plugins ?? {})) {
    if (entry === undefined || entry === null) continue;
    const at = `plugins.${name}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
      issues.push({ path: at, message: 'a plugin name is letters, digits, "-" and "_" (it is a key in dynamic configuration)' });
    }
    const given = (key: keyof PluginEntry & keyof DecodedPluginEntry) => entry[key] !== undefined && entry[key] !== '';
    const sources = PLUGIN_SOURCES.filter(given);
    if (sources.length !== 1) {
      issues.push({
        path: at,
        message: sources.length === 0 ? 'needs one of package, path or wasm' : `give only one of package, path or wasm (got ${sources.join(' and ')})`,
      });
      continue;
    }
    const source = sources[0];
    const only = (key: keyof PluginEntry & keyof DecodedPluginEntry, owner: string) => {
      if (given(key) && source !== owner) issues.push({ path: `${at}.${key}`, message: `only applies to ${owner} plugins` });
    };
    for (const key of ['version', 'registry', 'tarball'] as const) only(key, 'package');
    only('limits', 'wasm');
    const hosts = (entry.allowedHosts ?? []).length > 0;
    if (hosts && source !== 'wasm') issues.push({ path: `${at}.allowedHosts`, message: 'only applies to wasm plugins' });
    else if (hosts && entry.runtime !== 'extism-worker') {
      issues.push({ path: `${at}.allowedHosts`, message: 'only applies with runtime: extism-worker (the portico runtime offers no outbound HTTP)' });
    }
    if (entry.runtime !== undefined && entry.runtime !== 'portico') only('runtime', 'wasm');
    if (source === 'package' && !given('version')) {
      issues.push({ path: `${at}.version`, message: 'is required with package: a semver range such as "^1.2.0"' });
    }
  }
  return issues;
}

/** An entry as the loader takes it: options not given (`""`, `[]`, the runtime of a non-wasm entry) are absent. */
export function normalizePluginEntry(entry: DecodedPluginEntry | PluginEntry): PluginEntry {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  if (out.wasm === undefined) delete out.runtime;
  return out as PluginEntry;
}
