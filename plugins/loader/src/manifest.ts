/**
 * Reading a plugin package's `portico` manifest from disk. The checks themselves are the sdk's (one definition
 * shared with the contract test plugin authors run).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestOf, type PluginManifest } from '@portico/sdk';

export { checkCompatible, manifestOf, type PluginManifest } from '@portico/sdk';

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
