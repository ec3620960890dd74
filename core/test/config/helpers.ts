import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { s } from '../../src/schema/types.js';
import { loadStaticConfig, type LoadedStaticConfig } from '../../src/config/static/load.js';
import type { ConfigIssue } from '../../src/config/issues.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
export const fixture = (name: string): string => join(FIXTURES, name);

/**
 * A provider plugin's schema as the kernel would receive it. It declares a default on purpose: the loader must
 * drop it, so the provider runs only when configured.
 */
export const testProviderSchemas = {
  test: s.object(
    {
      directory: s.string({ description: 'Folder of dynamic configuration files.', default: '', 'x-path': 'file' }),
      watch: s.boolean({ description: 'Watch for changes.', default: true }),
    },
    { description: 'Test provider.', default: {} },
  ),
};

/** Loads with no machine-dependent file search: only `argv`, `env` and the given search folders count. */
export function load(argv: string[], env: Record<string, string> = {}, searchDirs: string[] = []): LoadedStaticConfig {
  return loadStaticConfig({ argv, env, cwd: FIXTURES, searchDirs }, testProviderSchemas);
}

export const errorsOf = (r: LoadedStaticConfig): ConfigIssue[] => r.issues.filter((i) => i.severity === 'error');
