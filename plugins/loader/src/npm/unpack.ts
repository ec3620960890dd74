/**
 * From verified tarball bytes to an installed, checked package folder:
 *   `<directory>/tarballs/<name>-<version>.tgz`  the tarball, kept so later starts re-verify its integrity
 *   `<directory>/<name>@<version>/`               the extracted package, with `.portico-integrity` inside
 *
 * Why keep the tarball rather than hash the extracted tree: the lockfile's integrity is then the very string
 * the registry publishes (`dist.integrity`) and `npm pack` prints, checkable with standard tools, with no
 * home-made canonical tree hash to specify. The extracted folder is tied to it by the marker: a folder whose
 * marker differs (interrupted install, other version) is re-extracted from the verified tarball.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { checkCompatible, manifestOf, type PluginManifest } from '../manifest.js';
import { checkSelfContained, entryFileOf, readPackageJson, type PackageJson } from './package-json.js';
import { packFileName } from './sources.js';
import { extractTo, packageJsonOf, readTarball } from './tarball.js';

export const MARKER = '.portico-integrity';

export interface PackageExpectation {
  name: string;
  /** The range from the static configuration. */
  range: string;
  /** Exact version, when the source or the lockfile named one. */
  version?: string;
  porticoVersion: string;
  /** Error prefix: `plugins.x (package y)`. */
  what: string;
}

export interface Unpacked {
  name: string;
  version: string;
  dir: string;
  entryFile: string;
  manifest: PluginManifest;
}

export const keptTarballPath = (directory: string, name: string, version: string): string =>
  join(directory, 'tarballs', packFileName(name, version));
export const packageDirOf = (directory: string, name: string, version: string): string => join(directory, `${name}@${version}`);

/**
 * Checks the tarball's package.json against what was asked (before anything is written), keeps the tarball,
 * extracts it unless an up-to-date extraction is there, and checks the result.
 */
export async function unpack(bytes: Buffer, integrity: string, directory: string, expect: PackageExpectation): Promise<Unpacked> {
  const files = await readTarball(bytes, `${expect.what}: tarball`);
  const pkg = packageJsonOf(files, expect.what);
  const version = checkIdentity(pkg, expect);
  checkPackage(pkg, expect);

  const kept = keptTarballPath(directory, expect.name, version);
  const keptBytes = await readFile(kept).catch(() => undefined);
  if (keptBytes === undefined || !keptBytes.equals(bytes)) await writeAtomically(kept, bytes);

  const dir = packageDirOf(directory, expect.name, version);
  const marker = await readFile(join(dir, MARKER), 'utf8').catch(() => undefined);
  if (marker !== integrity) await extractTo(files, dir, { [MARKER]: integrity });
  return finish(dir, expect.name, version, expect);
}

/** The package must be the one configured, at a version in the configured range. Returns the clean version. */
function checkIdentity(pkg: PackageJson, expect: PackageExpectation): string {
  const version = typeof pkg.version === 'string' ? semver.valid(pkg.version) : null;
  if (pkg.name !== expect.name || version === null) {
    throw new Error(`${expect.what}: the tarball contains ${String(pkg.name)}@${String(pkg.version)}, not a version of ${expect.name}`);
  }
  if (expect.version !== undefined && !semver.eq(version, expect.version)) {
    throw new Error(`${expect.what}: the tarball for version ${expect.version} contains version ${version}`);
  }
  if (!semver.satisfies(version, expect.range)) {
    throw new Error(`${expect.what}: version ${version} does not satisfy the configured version "${expect.range}"; change "version" or the tarball`);
  }
  return version;
}

/** Manifest, Portico compatibility and self-containment: everything decidable from package.json alone. */
function checkPackage(pkg: PackageJson, expect: PackageExpectation): PluginManifest {
  const manifest = manifestOf(pkg, expect.what);
  checkCompatible(manifest, expect.porticoVersion, expect.what);
  return manifest;
}

async function finish(dir: string, name: string, version: string, expect: PackageExpectation): Promise<Unpacked> {
  const pkg = await readPackageJson(dir, expect.what);
  checkIdentity(pkg, { ...expect, version });
  const manifest = checkPackage(pkg, expect);
  checkSelfContained(pkg, dir, expect.what);
  const entryFile = entryFileOf(pkg, dir, expect.what);
  return { name, version, dir, entryFile, manifest };
}

async function writeAtomically(file: string, data: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
