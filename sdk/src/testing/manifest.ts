import { readFileSync } from 'node:fs';
import { isCompatible, manifestOf, manifestProblems as fieldProblems, type PluginManifest } from '../manifest.js';

export type { PluginManifest } from '../manifest.js';

/** Version of the Portico sdk running these tests (sdk and kernel are released together). */
export function porticoVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Problems of a manifest for the contract test: the loader's field checks with `sample` required, plus the
 * range admitting the running Portico. [] when it is valid.
 */
export function manifestProblems(raw: unknown, version = porticoVersion()): string[] {
  const problems = fieldProblems(raw, { requireSample: true });
  if (problems.length === 0 && !isCompatible(raw as PluginManifest, version)) {
    problems.push(`field "portico.portico": "${(raw as PluginManifest).portico}" does not admit the running Portico ${version}`);
  }
  return problems;
}

/** Reads the manifest of a package.json (path or URL); throws naming the problem. */
export function readManifest(packageJson: string | URL): PluginManifest & { sample: Record<string, unknown> } {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as Record<string, unknown>;
  return checkManifest(pkg.portico, typeof pkg.name === 'string' ? pkg.name : String(packageJson));
}

/** Returns the manifest typed, or throws listing every problem. */
export function checkManifest(raw: unknown, where = 'manifest'): PluginManifest & { sample: Record<string, unknown> } {
  const problems = manifestProblems(raw);
  if (problems.length > 0) throw new Error(`${where}: invalid portico manifest:\n  ${problems.join('\n  ')}`);
  return manifestOf({ portico: raw }, where, { requireSample: true }) as PluginManifest & { sample: Record<string, unknown> };
}
