/**
 * Installs the npm plugin packages named in the static configuration:
 *
 *   plugins: { requestId: { package: portico-plugin-request-id, version: ^1.0.0 } }
 *
 * into a local plugin directory, pinned by a lockfile (exact version, source, sha512 integrity). When the pin
 * still satisfies the configuration and its kept tarball verifies, start-up uses it and never touches the
 * network; otherwise the package is resolved again (registry over HTTP, local registry folder, or one .tgz)
 * and the pin rewritten. Every error names the plugin (`plugins.<name>`), the package and what to do.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import type { ElementContext } from '@portico/sdk';
import type { PluginManifest } from '../manifest.js';
import { linkHostSdk } from './host-sdk.js';
import { checkIntegrity, integrityOf, shasumOf } from './integrity.js';
import { readLockfile, updateLockfile, type LockEntry } from './lockfile.js';
import { fetchTarball, isHttpUrl, resolveFromFolder, resolveFromRegistry, type Candidate, type SourceContext } from './sources.js';
import { keptTarballPath, unpack, type PackageExpectation } from './unpack.js';

export type Logger = ElementContext['log'];

export interface NpmPluginEntry {
  package: string;
  /** Semver range, e.g. `^1.0.0`. */
  version: string;
  /** npm registry URL, or a local folder of `npm pack` tarballs; defaults to `InstallOptions.registry`. */
  registry?: string;
  /** A local .tgz (e.g. made by `npm pack`): used instead of any registry. */
  tarball?: string;
}

export interface InstallOptions {
  /** The local plugin directory packages are installed into. */
  directory: string;
  lockFile: string;
  /** Default registry (URL or local folder) for entries that name none. */
  registry: string;
  /** Never use the network: start from the lockfile and local files only. */
  offline: boolean;
  /** Portico's version, checked against each manifest's `portico` range. */
  version: string;
  log: Logger;
}

export interface InstalledPackage {
  name: string;
  version: string;
  /** The extracted package folder. */
  dir: string;
  /** Absolute path of the module to import. */
  entryFile: string;
  manifest: PluginManifest;
}

export { readManifest, checkCompatible, type PluginManifest } from '../manifest.js';
export { pruneLockfile, readLockfile, type LockEntry, type Lockfile } from './lockfile.js';
export { integrityOf } from './integrity.js';

// npm's rules for package names (lower case, URL-safe, optional scope): also keeps names safe as folder names.
const NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export async function installNpmPlugin(pluginName: string, entry: NpmPluginEntry, opts: InstallOptions): Promise<InstalledPackage> {
  const what = `plugins.${pluginName} (package ${entry.package})`;
  if (typeof entry.package !== 'string' || !NAME.test(entry.package) || entry.package.length > 214) {
    throw new Error(`plugins.${pluginName}.package: "${String(entry.package)}" is not a valid npm package name`);
  }
  if (typeof entry.version !== 'string' || semver.validRange(entry.version) === null) {
    throw new Error(`plugins.${pluginName}.version: "${String(entry.version)}" is not a semver range (e.g. "^1.0.0")`);
  }
  const directory = resolve(opts.directory);
  const source = entry.tarball !== undefined ? localPath(entry.tarball, `plugins.${pluginName}.tarball`) : registryLocation(entry.registry ?? opts.registry, pluginName);
  const ctx: SourceContext = {
    what,
    offlineHint:
      `to start without the network, point "tarball" at a local .tgz or "registry" at a folder of \`npm pack\` outputs, ` +
      `or keep ${opts.lockFile} and ${directory} from a previous start and set offline`,
  };
  const expect: PackageExpectation = { name: entry.package, range: entry.version, porticoVersion: opts.version, what };

  const job: Job = { pluginName, entry, directory, source, opts, ctx, expect };

  const lock = await readLockfile(opts.lockFile);
  const pin = lock.plugins[pluginName];
  let installed: InstalledPackage;
  if (pin !== undefined && (await pinStillApplies(pin, entry, source))) {
    opts.log.debug({ plugin: pluginName, package: pin.package, version: pin.version }, 'npm plugin: using the lockfile pin');
    installed = await installPinned(pin, job);
  } else {
    installed = await installFresh(job);
  }
  await linkHostSdk(directory);
  return installed;
}

/** A local path or `file:` URL, absolute. */
function localPath(value: string, key: string): string {
  if (/^file:/i.test(value)) return fileURLToPath(value);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new Error(`${key}: "${value}" must be a local file path`);
  return resolve(value);
}

/** An http(s) registry URL as is; anything else is a local registry folder. */
function registryLocation(value: string, pluginName: string): string {
  if (isHttpUrl(value)) return value;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/^file:/i.test(value)) {
    throw new Error(`plugins.${pluginName}.registry: "${value}" is neither an http(s) registry URL nor a local folder`);
  }
  return localPath(value, `plugins.${pluginName}.registry`);
}

/** One installation's inputs, resolved once. */
interface Job {
  pluginName: string;
  entry: NpmPluginEntry;
  /** Absolute plugin directory. */
  directory: string;
  /** Absolute .tgz path (`tarball`), registry URL, or local registry folder. */
  source: string;
  opts: InstallOptions;
  ctx: SourceContext;
  expect: PackageExpectation;
}

/**
 * A pin is kept while it is for the same package and satisfies the configured range. An explicit `tarball`
 * that exists with other bytes wins over it (the user replaced the file); a missing one does not (offline start).
 */
async function pinStillApplies(pin: LockEntry, entry: NpmPluginEntry, source: string): Promise<boolean> {
  if (pin.package !== entry.package || !semver.satisfies(pin.version, entry.version)) return false;
  if (entry.tarball !== undefined && existsSync(source)) return checkIntegrity(await readFile(source), pin.integrity) === undefined;
  return true;
}

async function installPinned(pin: LockEntry, job: Job): Promise<InstalledPackage> {
  const { directory, source, opts, ctx, expect } = job;
  const kept = keptTarballPath(directory, pin.package, pin.version);
  let bytes: Buffer;
  if (existsSync(kept)) {
    bytes = await readFile(kept);
    const mismatch = checkIntegrity(bytes, pin.integrity);
    if (mismatch !== undefined) {
      throw new Error(
        `${ctx.what}: the installed tarball ${kept} does not match the integrity pinned in ${opts.lockFile} (${mismatch}); ` +
          `it was modified or corrupted: delete it to download ${pin.package}@${pin.version} again`,
      );
    }
  } else {
    if (opts.offline && isHttpUrl(pin.resolved)) {
      throw new Error(
        `${ctx.what}: ${pin.package}@${pin.version} is pinned in ${opts.lockFile} but not installed in ${directory} (no ${kept}), ` +
          `and offline is set; start once with network access, or point "tarball" at a local .tgz`,
      );
    }
    opts.log.info({ plugin: job.pluginName, resolved: pin.resolved }, 'npm plugin: fetching the pinned tarball');
    bytes = await fetchTarball(pin.resolved, isHttpUrl(source) ? source : pin.resolved, ctx);
    const mismatch = checkIntegrity(bytes, pin.integrity);
    if (mismatch !== undefined) {
      throw new Error(
        `${ctx.what}: ${pin.resolved} no longer matches the integrity pinned in ${opts.lockFile} for ${pin.package}@${pin.version} (${mismatch}); ` +
          `if the change is expected, remove the "${job.pluginName}" entry from the lockfile to re-resolve`,
      );
    }
  }
  return unpack(bytes, pin.integrity, directory, { ...expect, version: pin.version });
}

async function installFresh(job: Job): Promise<InstalledPackage> {
  const { entry, directory, source, opts, ctx, expect } = job;
  const fromRegistry = entry.tarball === undefined && isHttpUrl(source);
  if (fromRegistry && opts.offline) {
    throw new Error(
      `${ctx.what}: not installed (no usable pin in ${opts.lockFile}) and offline is set, so the registry ${source} is not asked; ` +
        `start once with network access, or point "tarball" at a local .tgz or "registry" at a local folder`,
    );
  }
  let candidate: Candidate;
  if (entry.tarball !== undefined) candidate = { resolved: source };
  else if (fromRegistry) candidate = await resolveFromRegistry(source, entry.package, entry.version, ctx);
  else candidate = await resolveFromFolder(source, entry.package, entry.version, ctx);
  opts.log.info({ plugin: job.pluginName, resolved: candidate.resolved }, 'npm plugin: installing');

  const bytes = await fetchTarball(candidate.resolved, source, ctx);
  const mismatch =
    candidate.integrity !== undefined
      ? checkIntegrity(bytes, candidate.integrity)
      : candidate.shasum !== undefined && shasumOf(bytes) !== candidate.shasum
        ? `expected sha1 ${candidate.shasum}, got ${shasumOf(bytes)}`
        : undefined;
  if (mismatch !== undefined) {
    throw new Error(`${ctx.what}: the tarball ${candidate.resolved} does not match the integrity its registry published (${mismatch}); refusing to install it`);
  }
  const integrity = integrityOf(bytes);
  const installed = await unpack(bytes, integrity, directory, { ...expect, version: candidate.version });
  await updateLockfile(opts.lockFile, job.pluginName, { package: installed.name, version: installed.version, resolved: candidate.resolved, integrity });
  return installed;
}
