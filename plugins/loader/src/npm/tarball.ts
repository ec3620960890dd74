/**
 * Reading and extracting plugin tarballs (`npm pack` output: gzipped tar, everything under `package/`).
 *
 * The archive is parsed in memory with tar's Parser and every entry is checked before anything is written:
 * only regular files and directories, relative paths with no `..` segment, all under one top folder. A
 * tarball with a path escape, an absolute path or a link is refused as a whole — npm would skip such entries
 * silently; an installer that runs code from the result should not keep a package that tried.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Parser, type ReadEntry } from 'tar';

export interface TarFile {
  /** Path inside the package (top folder stripped), `/`-separated. */
  path: string;
  data: Buffer;
  executable: boolean;
}

/** Refuses archives bigger than this once unpacked: plugin packages are small bundles. */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/** Every file of the tarball, paths checked; throws with the offending entry named. */
export function readTarball(data: Buffer, what: string): Promise<TarFile[]> {
  return new Promise((resolvePromise, reject) => {
    const files: TarFile[] = [];
    let root: string | undefined;
    let total = 0;
    let failed = false;
    const fail = (message: string) => {
      if (failed) return;
      failed = true;
      reject(new Error(`${what}: ${message}; refusing to install it`));
    };
    const onReadEntry = (entry: ReadEntry) => {
      const problem = entryProblem(entry, root);
      if (problem !== undefined) {
        entry.resume();
        fail(problem);
        return;
      }
      const [top, ...rest] = entry.path.split('/').filter((s) => s !== '' && s !== '.');
      root ??= top;
      if (entry.type === 'Directory' || rest.length === 0) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => {
        total += c.length;
        if (total > MAX_UNPACKED_BYTES) fail(`it unpacks to more than ${MAX_UNPACKED_BYTES} bytes`);
        else chunks.push(c);
      });
      entry.on('end', () => files.push({ path: rest.join('/'), data: Buffer.concat(chunks), executable: ((entry.mode ?? 0) & 0o100) !== 0 }));
    };
    const parser = new Parser({ strict: true, onReadEntry });
    parser.on('error', (err: Error) => fail(`it is not a valid .tgz (${err.message})`));
    parser.on('end', () => {
      if (failed) return;
      if (files.length === 0) fail('it contains no files');
      else resolvePromise(files);
    });
    parser.end(data);
  });
}

function entryProblem(entry: ReadEntry, root: string | undefined): string | undefined {
  const path = entry.path;
  if (entry.type !== 'Directory' && !FILE_TYPES.has(entry.type)) {
    return `entry "${path}" is a ${entry.type}; only files and folders are allowed in a plugin package`;
  }
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')) return `entry "${path}" has an absolute or non-POSIX path`;
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return `entry "${path}" escapes the package folder (..)`;
  if (segments.length === 0) return `an entry has an empty path`;
  if (root !== undefined && segments[0] !== root) return `entry "${path}" is outside the package's top folder "${root}/"`;
  if (segments.length === 1 && entry.type !== 'Directory') return `entry "${path}" is not inside a top folder (npm packs everything under "package/")`;
  return undefined;
}

/**
 * Writes `files` into `target` atomically: into a staging folder next to it, then one rename, so a crash or
 * a concurrent start never sees a half-extracted package. `extra` files (the integrity marker) are added last.
 */
export async function extractTo(files: TarFile[], target: string, extra: Record<string, string> = {}): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.staging-${randomBytes(6).toString('hex')}`);
  try {
    for (const file of files) {
      const out = resolve(staging, file.path);
      // Paths were checked while reading; this guards against any normalisation difference on this platform.
      if (!out.startsWith(staging + sep)) throw new Error(`tar entry ${file.path} resolves outside ${staging}`);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, file.data, { mode: file.executable ? 0o755 : 0o644 });
    }
    for (const [name, content] of Object.entries(extra)) await writeFile(join(staging, name), content);
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** The package.json of a read tarball, parsed (to learn name and version before choosing where it goes). */
export function packageJsonOf(files: TarFile[], what: string): Record<string, unknown> {
  const file = files.find((f) => f.path === 'package.json');
  if (file === undefined) throw new Error(`${what}: the tarball has no package.json at its top folder`);
  try {
    const parsed: unknown = JSON.parse(file.data.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    throw new Error('not a JSON object');
  } catch (err) {
    throw new Error(`${what}: the tarball's package.json is invalid (${(err as Error).message})`);
  }
}
