/**
 * The plugin lockfile: which exact package version each enabled plugin runs, where it came from and its
 * integrity, so a later start reinstalls nothing and needs no network. JSON with plugins sorted by name and
 * fields in a fixed order, 2-space indented: a change to one plugin is a small, readable diff.
 *
 *   {
 *     "lockfileVersion": 1,
 *     "plugins": {
 *       "requestId": { "package": "portico-plugin-request-id", "version": "1.0.0",
 *                      "resolved": "https://registry.example/…/portico-plugin-request-id-1.0.0.tgz",
 *                      "integrity": "sha512-…" }
 *     }
 *   }
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface LockEntry {
  package: string;
  version: string;
  /** Tarball URL (registry) or absolute file path (local registry folder, `tarball`). */
  resolved: string;
  /** sha512 SRI of the tarball. */
  integrity: string;
}

export interface Lockfile {
  lockfileVersion: 1;
  plugins: Record<string, LockEntry>;
}

const emptyLock = (): Lockfile => ({ lockfileVersion: 1, plugins: {} });

/** Reads the lockfile; a missing file is an empty lock, an unreadable one an error naming the file. */
export async function readLockfile(file: string): Promise<Lockfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyLock();
    throw new Error(`cannot read the plugin lockfile ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`the plugin lockfile ${file} is not valid JSON (${(err as Error).message}); fix it or delete it to re-resolve every plugin`);
  }
  const lock = parsed as Partial<Lockfile>;
  if (lock.lockfileVersion !== 1 || typeof lock.plugins !== 'object' || lock.plugins === null) {
    throw new Error(`the plugin lockfile ${file} is not a version 1 Portico lockfile; delete it to re-resolve every plugin`);
  }
  for (const [name, e] of Object.entries(lock.plugins)) {
    const ok = ['package', 'version', 'resolved', 'integrity'].every((k) => typeof (e as unknown as Record<string, unknown>)?.[k] === 'string');
    if (!ok) throw new Error(`the plugin lockfile ${file}: entry "${name}" needs string fields package, version, resolved, integrity`);
  }
  return lock as Lockfile;
}

/** The lockfile's text: sorted plugin names, fixed field order, trailing newline. */
export function formatLockfile(lock: Lockfile): string {
  const plugins: Record<string, LockEntry> = {};
  for (const name of Object.keys(lock.plugins).sort()) {
    const e = lock.plugins[name];
    plugins[name] = { package: e.package, version: e.version, resolved: e.resolved, integrity: e.integrity };
  }
  return `${JSON.stringify({ lockfileVersion: 1, plugins }, null, 2)}\n`;
}

// Installs of several plugins may run concurrently; their read-modify-write of one lockfile is serialized.
const queues = new Map<string, Promise<unknown>>();

/** Sets (or, with `undefined`, removes) one plugin's pin; rewrites the file atomically, only when it changes. */
export function updateLockfile(file: string, pluginName: string, entry: LockEntry | undefined): Promise<void> {
  return serialize(file, async () => {
    const lock = await readLockfile(file);
    if (entry === undefined) delete lock.plugins[pluginName];
    else lock.plugins[pluginName] = entry;
    await writeIfChanged(file, formatLockfile(lock));
  });
}

/** Drops the pins of plugins no longer in the static configuration. */
export function pruneLockfile(file: string, keep: Iterable<string>): Promise<void> {
  const names = new Set(keep);
  return serialize(file, async () => {
    const lock = await readLockfile(file);
    for (const name of Object.keys(lock.plugins)) if (!names.has(name)) delete lock.plugins[name];
    await writeIfChanged(file, formatLockfile(lock));
  });
}

function serialize<T>(file: string, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(file) ?? Promise.resolve()).then(task, task);
  const tail = run.catch(() => undefined);
  queues.set(file, tail);
  void tail.then(() => {
    if (queues.get(file) === tail) queues.delete(file);
  });
  return run;
}

async function writeIfChanged(file: string, text: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === text) return;
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new Error(`cannot write the plugin lockfile ${file}: ${(err as Error).message}`);
  }
}
