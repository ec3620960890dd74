import { readFileSync } from 'node:fs';
import { parseRange, satisfies } from './version-range.js';

/**
 * The `portico` field of a plugin package's package.json: what the plugin loader reads to enable a package by
 * name, and what the contract test runs on.
 *
 * ```json
 * "portico": { "id": "requestId", "kind": "middleware", "portico": "^0.1.0", "sample": { "header": "X-Id" } }
 * ```
 */
export interface PluginManifest {
  /** The middleware type (the key under `http.middlewares.<name>`) or the provider name. */
  id: string;
  kind: 'middleware' | 'provider';
  /** Portico versions the plugin works with (npm range syntax). */
  portico: string;
  /** A configuration that works on its own: the contract test builds and runs the plugin with it. */
  sample: Record<string, unknown>;
}

const KEYS = new Set(['id', 'kind', 'portico', 'sample']);

/** Version of the Portico sdk running these tests (sdk and kernel are released together). */
export function porticoVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Problems of a manifest, as `path: message` strings; [] when it is valid. */
export function manifestProblems(raw: unknown, version = porticoVersion()): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['portico: the manifest must be a map ({id, kind, portico, sample})'];
  const m = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(m)) if (!KEYS.has(key)) problems.push(`portico.${key}: unknown key (known: ${[...KEYS].join(', ')})`);
  if (typeof m.id !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(m.id)) problems.push('portico.id: required, a name made of letters, digits, - and _ (the middleware type or provider name)');
  if (m.kind !== 'middleware' && m.kind !== 'provider') problems.push(`portico.kind: must be "middleware" or "provider", not ${JSON.stringify(m.kind)}`);
  if (typeof m.portico !== 'string') problems.push('portico.portico: required, the compatible Portico version range (e.g. "^0.1.0")');
  else {
    try {
      parseRange(m.portico);
      if (!satisfies(version, m.portico)) problems.push(`portico.portico: "${m.portico}" does not admit the running Portico ${version}`);
    } catch (err) {
      problems.push(`portico.portico: ${(err as Error).message}`);
    }
  }
  if (typeof m.sample !== 'object' || m.sample === null || Array.isArray(m.sample)) problems.push('portico.sample: required, a sample configuration (a map; {} when every option has a default)');
  return problems;
}

/** Reads the manifest of a package.json (path or URL); throws listing every problem. */
export function readManifest(packageJson: string | URL): PluginManifest {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { name?: string; portico?: unknown };
  if (pkg.portico === undefined) throw new Error(`${String(packageJson)}: no "portico" field (the plugin manifest)`);
  return checkManifest(pkg.portico, pkg.name ?? String(packageJson));
}

/** Returns the manifest typed, or throws listing every problem. */
export function checkManifest(raw: unknown, where = 'manifest'): PluginManifest {
  const problems = manifestProblems(raw);
  if (problems.length > 0) throw new Error(`${where}: invalid portico manifest:\n  ${problems.join('\n  ')}`);
  return raw as PluginManifest;
}
