/**
 * What the installer checks in an extracted plugin package's package.json besides the manifest: that it is the
 * package and version asked for, that it is self-contained, and which file to import.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/** The only package a plugin may expect the host to provide (declared as a peerDependency). */
export const HOST_PROVIDED = '@portico/sdk';

export type PackageJson = Record<string, unknown> & { name?: unknown; version?: unknown };

export async function readPackageJson(dir: string, what: string): Promise<PackageJson> {
  const file = join(dir, 'package.json');
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as PackageJson;
  } catch (err) {
    throw new Error(`${what}: cannot read its package.json (${(err as Error).message})`);
  }
}

/**
 * Plugin packages are installed without a package manager, so every runtime dependency must be inside the
 * package: bundled into its JavaScript (esbuild, rollup…) or shipped with `bundleDependencies`. Only the sdk
 * comes from the host, and it must be a peerDependency so that the plugin uses the host's copy.
 */
export function checkSelfContained(pkg: PackageJson, dir: string, what: string): void {
  const bundled = bundledNames(pkg);
  for (const name of bundled) {
    if (!existsSync(join(dir, 'node_modules', name, 'package.json'))) {
      throw new Error(`${what} lists ${name} in "bundleDependencies" but the package has no node_modules/${name}; was it packed with npm?`);
    }
  }
  for (const field of ['dependencies', 'optionalDependencies'] as const) {
    const all = Object.keys(objectOf(pkg[field]));
    const deps = all.filter((d) => !bundled.has(d));
    if (all.includes(HOST_PROVIDED)) {
      throw new Error(
        `${what} lists ${HOST_PROVIDED} in "${field}": Portico provides the sdk itself; its author must move it to "peerDependencies"`,
      );
    }
    if (deps.length > 0) {
      throw new Error(
        `${what} has runtime ${field} (${deps.join(', ')}) that Portico does not install: plugin packages must be ` +
          `self-contained; its author must bundle them into the package's JavaScript (e.g. with esbuild) or list them ` +
          `in "bundleDependencies" (see docs/plugins/publishing.md)`,
      );
    }
  }
  const peers = Object.keys(objectOf(pkg.peerDependencies)).filter((d) => d !== HOST_PROVIDED);
  if (peers.length > 0) {
    throw new Error(`${what} has peerDependencies other than ${HOST_PROVIDED} (${peers.join(', ')}); Portico provides only ${HOST_PROVIDED}`);
  }
}

/**
 * The module Portico imports: `exports["."]` (its `import`, `node` or `default` condition, nested conditions
 * followed) or, without `exports`, `main`. The file must exist inside the package.
 */
export function entryFileOf(pkg: PackageJson, dir: string, what: string): string {
  let target: string | undefined;
  let from: string;
  if (pkg.exports !== undefined) {
    from = '"exports"';
    const exp = pkg.exports;
    const isSubpathMap = typeof exp === 'object' && exp !== null && !Array.isArray(exp) && Object.keys(exp).some((k) => k.startsWith('.'));
    target = conditionTarget(isSubpathMap ? (exp as Record<string, unknown>)['.'] : exp);
    from = isSubpathMap ? '"exports"["."]' : '"exports"';
  } else {
    from = '"main"';
    target = typeof pkg.main === 'string' ? pkg.main : undefined;
  }
  if (target === undefined) {
    throw new Error(`${what} names no entry module: its package.json needs "exports": {".": {"import": "./dist/index.js"}} or "main"`);
  }
  const file = resolve(dir, target);
  if (file !== dir && !file.startsWith(dir + sep)) throw new Error(`${what}: ${from} points outside the package (${target})`);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new Error(`${what}: ${from} names ${target}, which is not in the package; was it built before \`npm pack\`?`);
  }
  return file;
}

const CONDITIONS = ['import', 'node', 'default'];

function conditionTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = conditionTarget(v);
      if (t !== undefined) return t;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const conditions = value as Record<string, unknown>;
  for (const c of CONDITIONS) if (c in conditions) return conditionTarget(conditions[c]);
  return undefined;
}

function objectOf(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Dependencies shipped inside the tarball; `bundleDependencies: true` means all of `dependencies`. */
function bundledNames(pkg: PackageJson): Set<string> {
  const names = new Set<string>();
  for (const v of [pkg.bundleDependencies, pkg.bundledDependencies]) {
    if (v === true) for (const d of Object.keys(objectOf(pkg.dependencies))) names.add(d);
    else if (Array.isArray(v)) for (const d of v) if (typeof d === 'string') names.add(d);
  }
  return names;
}
