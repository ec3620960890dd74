/**
 * The `portico` manifest a plugin package carries in its package.json:
 *
 *   "portico": { "id": "requestId", "kind": "middleware", "portico": "^0.1.0", "sample": {} }
 *
 * `id` is the middleware type (or provider name) the package registers, `portico` the range of Portico
 * versions it was built for, `sample` a configuration the generic contract test builds the plugin with.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';

export interface PluginManifest {
  id: string;
  kind: 'middleware' | 'provider';
  /** Semver range of Portico versions the package works with. */
  portico: string;
  /** A valid configuration of the plugin, used by the contract test. */
  sample?: unknown;
}

const KINDS: ReadonlyArray<PluginManifest['kind']> = ['middleware', 'provider'];
const EXAMPLE = '"portico": {"id": "myMiddleware", "kind": "middleware", "portico": "^0.1.0", "sample": {}}';

/** Reads and checks the manifest of the package in `packageDir`; errors name the package and the field. */
export async function readManifest(packageDir: string): Promise<PluginManifest> {
  const file = join(packageDir, 'package.json');
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  return manifestOf(pkg, `package ${typeof pkg.name === 'string' ? pkg.name : '(unnamed)'} (${packageDir})`);
}

/** Checks the `portico` field of an already parsed package.json; `what` names the package in errors. */
export function manifestOf(pkg: Record<string, unknown>, what: string): PluginManifest {
  const raw = pkg.portico;
  if (raw === undefined) {
    throw new Error(`${what} has no "portico" manifest in its package.json, so it is not a Portico plugin; its author must add ${EXAMPLE}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${what}: package.json field "portico" must be an object like ${EXAMPLE}`);
  }
  const m = raw as Record<string, unknown>;
  const fail = (field: string, expected: string): never => {
    const got = m[field] === undefined ? 'it is missing' : `got ${JSON.stringify(m[field])}`;
    throw new Error(`${what}: package.json field "portico.${field}" must be ${expected} (${got})`);
  };
  if (typeof m.id !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(m.id)) fail('id', 'the plugin type name, e.g. "requestId"');
  if (!KINDS.includes(m.kind as PluginManifest['kind'])) fail('kind', `one of ${KINDS.map((k) => `"${k}"`).join(', ')}`);
  if (typeof m.portico !== 'string' || semver.validRange(m.portico) === null) {
    fail('portico', 'a semver range of compatible Portico versions, e.g. "^0.1.0"');
  }
  for (const key of Object.keys(m)) {
    if (!['id', 'kind', 'portico', 'sample'].includes(key)) {
      throw new Error(`${what}: package.json field "portico.${key}" is unknown (allowed: id, kind, portico, sample)`);
    }
  }
  const manifest: PluginManifest = { id: m.id as string, kind: m.kind as PluginManifest['kind'], portico: m.portico as string };
  if (m.sample !== undefined) manifest.sample = m.sample;
  return manifest;
}

/**
 * Throws unless `porticoVersion` is in the manifest's range. Pre-releases count (0.2.0-rc.1 satisfies ^0.1.0
 * only if semver says so with includePrerelease), so a release candidate of Portico can run existing plugins.
 */
export function checkCompatible(manifest: PluginManifest, porticoVersion: string, what = `plugin "${manifest.id}"`): void {
  if (semver.satisfies(porticoVersion, manifest.portico, { includePrerelease: true })) return;
  throw new Error(
    `${what} requires Portico ${manifest.portico} (its package.json "portico.portico"), but this is Portico ${porticoVersion}; ` +
      `use a version of the plugin made for Portico ${porticoVersion}, or a Portico version in ${manifest.portico}`,
  );
}
