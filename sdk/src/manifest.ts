/**
 * The `portico` manifest a plugin package carries in its package.json — read by the plugin loader to enable a
 * package by name, and by the contract test every plugin runs:
 *
 *   "portico": { "id": "requestId", "kind": "middleware", "portico": "^0.1.0", "sample": {} }
 *
 * `id` is the middleware type (or provider name) the package registers, `portico` the range of Portico
 * versions it was built for (npm's semver rules), `sample` a configuration that works on its own.
 */
import semver from 'semver';

export interface PluginManifest {
  id: string;
  kind: 'middleware' | 'provider';
  /** Semver range of Portico versions the package works with. */
  portico: string;
  /** A valid configuration of the plugin, used by the contract test (optional for the loader). */
  sample?: unknown;
}

const KINDS: ReadonlyArray<PluginManifest['kind']> = ['middleware', 'provider'];
const KEYS = ['id', 'kind', 'portico', 'sample'];
export const MANIFEST_EXAMPLE = '"portico": {"id": "myMiddleware", "kind": "middleware", "portico": "^0.1.0", "sample": {}}';

/**
 * Every problem of a manifest, each naming its field (`"portico.kind" must be …`); [] when it is valid.
 * `requireSample`: the contract test needs one; the loader does not.
 */
export function manifestProblems(raw: unknown, opts: { requireSample?: boolean } = {}): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [`field "portico" must be an object like ${MANIFEST_EXAMPLE}`];
  const m = raw as Record<string, unknown>;
  const problems: string[] = [];
  const must = (field: string, expected: string) => {
    const got = m[field] === undefined ? 'it is missing' : `got ${JSON.stringify(m[field])}`;
    problems.push(`field "portico.${field}" must be ${expected} (${got})`);
  };
  for (const key of Object.keys(m)) if (!KEYS.includes(key)) problems.push(`field "portico.${key}" is unknown (allowed: ${KEYS.join(', ')})`);
  if (typeof m.id !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(m.id)) must('id', 'the plugin type name, e.g. "requestId"');
  if (!KINDS.includes(m.kind as PluginManifest['kind'])) must('kind', `one of ${KINDS.map((k) => `"${k}"`).join(', ')}`);
  if (typeof m.portico !== 'string' || semver.validRange(m.portico) === null) must('portico', 'a semver range of compatible Portico versions, e.g. "^0.1.0"');
  const sampleIsMap = typeof m.sample === 'object' && m.sample !== null && !Array.isArray(m.sample);
  if ((m.sample !== undefined || opts.requireSample) && !sampleIsMap) must('sample', 'a sample configuration map ({} when every option has a default)');
  return problems;
}

/** Checks the `portico` field of a parsed package.json; throws naming `what` (the package) and the first bad field. */
export function manifestOf(pkg: Record<string, unknown>, what: string, opts: { requireSample?: boolean } = {}): PluginManifest {
  if (pkg.portico === undefined) {
    throw new Error(`${what} has no "portico" manifest in its package.json, so it is not a Portico plugin; its author must add ${MANIFEST_EXAMPLE}`);
  }
  const problems = manifestProblems(pkg.portico, opts);
  if (problems.length > 0) throw new Error(`${what}: package.json ${problems.join('; ')}`);
  const m = pkg.portico as Record<string, unknown>;
  const manifest: PluginManifest = { id: m.id as string, kind: m.kind as PluginManifest['kind'], portico: m.portico as string };
  if (m.sample !== undefined) manifest.sample = m.sample;
  return manifest;
}

/** Whether this Portico version is in the manifest's range. Pre-releases count, so a release candidate runs existing plugins. */
export function isCompatible(manifest: PluginManifest, porticoVersion: string): boolean {
  return semver.satisfies(porticoVersion, manifest.portico, { includePrerelease: true });
}

/** Throws unless `porticoVersion` is in the manifest's range, saying what to do. */
export function checkCompatible(manifest: PluginManifest, porticoVersion: string, what = `plugin "${manifest.id}"`): void {
  if (isCompatible(manifest, porticoVersion)) return;
  throw new Error(
    `${what} requires Portico ${manifest.portico} (its package.json "portico.portico"), but this is Portico ${porticoVersion}; ` +
      `use a version of the plugin made for Portico ${porticoVersion}, or a Portico version in ${manifest.portico}`,
  );
}
