/**
 * Where a plugin tarball comes from: an npm registry over HTTP (the registry protocol: packument, then
 * `dist.tarball`), a "local registry path" (a folder of `npm pack` outputs), or one explicit .tgz file.
 * Each resolver picks a version for a range and returns a Candidate; nothing is extracted here.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import semver from 'semver';

export interface Candidate {
  /** The version, when the source tells it before the tarball is read (registries do; a lone .tgz does not). */
  version?: string;
  /** Where the tarball is: its URL or absolute file path (recorded in the lockfile as `resolved`). */
  resolved: string;
  /** Integrity published by the source (`dist.integrity`), checked against the downloaded bytes. */
  integrity?: string;
  /** sha1 hex from `dist.shasum`, for packuments that predate `integrity`. */
  shasum?: string;
}

/** `what` prefixes error messages: `plugins.requestId (package portico-plugin-request-id)`. */
export interface SourceContext {
  what: string;
  /** Suggestion appended to network errors. */
  offlineHint: string;
}

export const isHttpUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** The file name `npm pack` gives a package: `@scope/name` → `scope-name-1.2.3.tgz`. */
export function packFileName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP registry

export async function resolveFromRegistry(registry: string, name: string, range: string, ctx: SourceContext): Promise<Candidate> {
  // Scoped names keep the `@` and escape the slash, as the npm CLI requests them.
  const url = `${registry.replace(/\/+$/, '')}/${name.replace('/', '%2f')}`;
  const body = await httpGet(url, registry, ctx, 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8');
  let packument: { versions?: Record<string, { dist?: { tarball?: string; integrity?: string; shasum?: string } }>; 'dist-tags'?: Record<string, string> };
  try {
    packument = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new Error(`${ctx.what}: the registry ${registry} sent an invalid packument for ${name} (${(err as Error).message})`);
  }
  const versions = Object.keys(packument.versions ?? {}).filter((v) => semver.valid(v) !== null);
  const version = pickVersion(versions, range, packument['dist-tags']?.latest);
  if (version === undefined) {
    throw new Error(`${ctx.what}: no version of ${name} in ${registry} satisfies "${range}" (published: ${listVersions(versions)})`);
  }
  const dist = packument.versions![version].dist;
  if (dist?.tarball === undefined) throw new Error(`${ctx.what}: the registry ${registry} lists ${name}@${version} without dist.tarball`);
  if (dist.integrity === undefined && dist.shasum === undefined) {
    throw new Error(`${ctx.what}: the registry ${registry} publishes no integrity for ${name}@${version}; refusing an unverifiable download`);
  }
  return { version, resolved: new URL(dist.tarball, url).href, integrity: dist.integrity, shasum: dist.shasum };
}

/**
 * npm's choice: the `latest` tag when it satisfies the range, else the highest satisfying version, so a
 * pre-release or a back-ported patch published later does not win over what the author marked current.
 */
function pickVersion(versions: string[], range: string, latest: string | undefined): string | undefined {
  if (latest !== undefined && versions.includes(latest) && semver.satisfies(latest, range)) return latest;
  return semver.maxSatisfying(versions, range) ?? undefined;
}

/** GET with a timeout; errors name the registry and say how to start without it. */
export async function httpGet(url: string, registry: string, ctx: SourceContext, accept = '*/*'): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new Error(`${ctx.what}: cannot reach the npm registry ${registry} (GET ${url}: ${reason}); ${ctx.offlineHint}`);
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw new Error(`${ctx.what}: not found in the npm registry ${registry} (GET ${url}: 404); check the package name and the registry`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`${ctx.what}: the npm registry ${registry} answered ${res.status} to GET ${url}; ${ctx.offlineHint}`);
  }
  return Buffer.from(await res.arrayBuffer());
}

// ---------------------------------------------------------------------------------------------------------
// Local registry path: a folder of `npm pack` outputs

export async function resolveFromFolder(folder: string, name: string, range: string, ctx: SourceContext): Promise<Candidate> {
  const dir = resolve(folder);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    throw new Error(`${ctx.what}: cannot read the local registry folder ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const prefix = packFileName(name, '').slice(0, -'.tgz'.length);
  const versions = entries
    .filter((f) => f.startsWith(prefix) && f.endsWith('.tgz'))
    .map((f) => f.slice(prefix.length, -'.tgz'.length))
    .filter((v) => semver.valid(v) !== null);
  const version = semver.maxSatisfying(versions, range);
  if (version === null) {
    throw new Error(
      `${ctx.what}: no ${prefix}<version>.tgz in the local registry folder ${dir} satisfies "${range}" (found: ${listVersions(versions)}); ` +
        `put the output of \`npm pack\` there`,
    );
  }
  return { version, resolved: join(dir, packFileName(name, version)) };
}

// ---------------------------------------------------------------------------------------------------------
// Fetching a candidate's bytes

/** Reads a candidate's tarball: a download for URLs, a file read otherwise. */
export async function fetchTarball(resolved: string, registry: string, ctx: SourceContext): Promise<Buffer> {
  if (isHttpUrl(resolved)) return httpGet(resolved, registry, ctx);
  try {
    return await readFile(resolved);
  } catch (err) {
    throw new Error(`${ctx.what}: cannot read the tarball ${resolved} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function listVersions(versions: string[]): string {
  if (versions.length === 0) return 'none';
  const sorted = semver.rsort([...versions]);
  return sorted.length > 10 ? `${sorted.slice(0, 10).join(', ')}, …` : sorted.join(', ');
}
