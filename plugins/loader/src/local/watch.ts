import * as esbuild from 'esbuild';
import type { Logger } from './logger.js';
import type { Plugin } from '@portico/sdk';
import { bundleOptions, formatBuildFailure, storeBuild } from './bundle.js';
import { importBundle } from './import-bundle.js';

export interface WatchedPlugin {
  /** Static name (`plugins.<name>`). */
  name: string;
  /** Entry file given to esbuild. */
  entry: string;
  /** Hash of the bundle currently loaded: a rebuild with the same hash (the first one) changes nothing. */
  hash: string;
  /** Static `plugins.<name>.config`, given to a factory default export. */
  config?: Record<string, unknown>;
}

/**
 * Development mode (`pluginHost.watch`): esbuild watches every input of each local plugin and rebuilds on a
 * change; a successful rebuild is imported and handed to `onRebuilt` (which re-registers it and rebuilds the
 * runtime). A rebuild that fails — a syntax error, a module that throws, a bad export — keeps the previous
 * version serving and logs the error. Returns a function that stops watching.
 */
export async function watchLocalPlugins(
  plugins: readonly WatchedPlugin[],
  cacheDir: string,
  log: Logger,
  onRebuilt: (name: string, plugins: Plugin[]) => void | Promise<void>,
): Promise<() => Promise<void>> {
  const contexts: esbuild.BuildContext[] = [];
  for (const watched of plugins) {
    let current = watched.hash;
    const options = bundleOptions(watched.entry, cacheDir);
    const reporter: esbuild.Plugin = {
      name: 'portico-watch',
      setup(build) {
        build.onEnd(async (result) => {
          if (result.errors.length > 0) {
            log.error({ plugin: watched.name }, `plugin ${watched.name}: ${formatBuildFailure(result)}; keeping the previous version`);
            return;
          }
          try {
            const stored = storeBuild(watched.entry, cacheDir, result as esbuild.BuildResult<{ metafile: true; write: false }>);
            if (stored.hash === current) return;
            const loaded = await importBundle(stored.file, watched.config);
            await onRebuilt(watched.name, loaded);
            current = stored.hash;
            log.info({ plugin: watched.name, bundle: stored.file }, `plugin ${watched.name} rebuilt and reloaded`);
          } catch (err) {
            log.error({ plugin: watched.name }, `plugin ${watched.name}: reload failed: ${(err as Error)?.stack ?? String(err)}; keeping the previous version`);
          }
        });
      },
    };
    const ctx = await esbuild.context({ ...options, plugins: [...(options.plugins ?? []), reporter] });
    await ctx.watch();
    contexts.push(ctx);
  }
  return async () => {
    await Promise.all(contexts.map((c) => c.dispose()));
  };
}
