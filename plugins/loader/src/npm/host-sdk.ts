/**
 * Plugin packages import `@portico/sdk` as a peer: it must resolve to the host's own copy, so that the kernel
 * and the plugin share one module instance (ConfigError, Exchange… are compared by identity). Installed
 * packages live under `<directory>/<name>@<version>/`; Node resolves their bare imports by walking up to
 * `<directory>/node_modules`, where this links `@portico/sdk` to the package the host runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readlink, realpath, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_PROVIDED } from './package-json.js';

let hostSdkRoot: string | undefined;

/** Folder of the @portico/sdk package this process uses (found from this module's own resolution). */
export function findHostSdk(): string {
  if (hostSdkRoot !== undefined) return hostSdkRoot;
  let dir = dirname(fileURLToPath(import.meta.resolve(HOST_PROVIDED)));
  for (;;) {
    const pkgFile = join(dir, 'package.json');
    if (existsSync(pkgFile) && (JSON.parse(readFileSync(pkgFile, 'utf8')) as { name?: string }).name === HOST_PROVIDED) {
      return (hostSdkRoot = dir);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${HOST_PROVIDED} package this Portico runs with`);
    dir = up;
  }
}

/** Makes `<directory>/node_modules/@portico/sdk` a link to the host's sdk (replacing a stale one). */
export async function linkHostSdk(directory: string): Promise<void> {
  const target = await realpath(findHostSdk());
  const link = join(directory, 'node_modules', ...HOST_PROVIDED.split('/'));
  const current = await readlink(link).catch(() => undefined);
  if (current === target) return;
  await mkdir(dirname(link), { recursive: true });
  await rm(link, { recursive: true, force: true });
  try {
    // 'junction' makes directory links work on Windows without privileges; ignored elsewhere.
    await symlink(target, link, 'junction');
  } catch (err) {
    // Another process starting at the same time may have created it: fine if it points to the same place.
    if ((await readlink(link).catch(() => undefined)) !== target) throw err;
  }
}
