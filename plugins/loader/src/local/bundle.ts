import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { hostPackagesPlugin } from './host-packages.js';

/**
 * Bundles a TypeScript plugin (local file or installed npm package) into one ESM file in the plugin cache,
 * named by a hash of everything that produced it — the content of each input esbuild reported and the build
 * options — so the next start reuses it without running esbuild.
 *
 * Cache layout under `<pluginHost.directory>/cache/`:
 *   <hash>.mjs           the bundle, with an inline source map (stack traces point at the .ts lines)
 *   inputs/<key>.json    the input files of the last build of one entry (key: hash of the entry path), which
 *                        is how a later start recomputes the hash without building
 */
export interface BundleResult {
  /** Absolute path of the bundle (.mjs). */
  file: string;
  /** Absolute paths of the source files the bundle was built from. */
  inputs: string[];
  hash: string;
  /** True when an earlier bundle was reused. */
  cached: boolean;
}

/** The esbuild options of a plugin bundle (shared by one-off builds and watch mode). */
export function bundleOptions(entry: string, cacheDir: string): esbuild.BuildOptions & { metafile: true; write: false } {
  return {
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Relative source paths in the map resolve against the bundle's folder: the bundle lands in the same folder.
    outfile: join(cacheDir, 'bundle.mjs'),
    sourcemap: 'inline',
    sourcesContent: true,
    keepNames: true,
    metafile: true,
    write: false,
    logLevel: 'silent',
    absWorkingDir: dirname(entry),
    plugins: [hostPackagesPlugin()],
    // Bundled CommonJS dependencies may call require() for Node built-ins; give them one.
    banner: { js: "import { createRequire as __porticoCreateRequire } from 'node:module'; const require = __porticoCreateRequire(import.meta.url);" },
  };
}

/** What the hash covers besides the inputs: a different esbuild or host sdk location means a different bundle. */
function optionsFingerprint(entry: string): string {
  return JSON.stringify({ entry, esbuild: esbuild.version, format: 'esm', target: 'node20', sourcemap: 'inline', host: hostPackagesPlugin.fingerprint() });
}

export function hashInputs(entry: string, inputs: readonly string[]): string | undefined {
  const h = createHash('sha256').update(optionsFingerprint(entry));
  for (const file of [...inputs].sort()) {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      return undefined;
    }
    h.update('\0').update(file).update('\0').update(content);
  }
  return h.digest('hex').slice(0, 32);
}

function inputsIndex(cacheDir: string, entry: string): string {
  return join(cacheDir, 'inputs', `${createHash('sha256').update(entry).digest('hex').slice(0, 24)}.json`);
}

/** Absolute input files of a build, from esbuild's metafile (virtual inputs like `<define:…>` are skipped). */
export function inputsOf(result: esbuild.BuildResult<{ metafile: true }>, workingDir: string): string[] {
  return Object.keys(result.metafile.inputs)
    .filter((p) => !/^[a-z-]+:/i.test(p) || /^[a-z]:[\\/]/i.test(p))
    .map((p) => (isAbsolute(p) ? p : resolve(workingDir, p)));
}

/** Writes one build's output as `<hash>.mjs` (atomically) and records its inputs; returns the result. */
export function storeBuild(entry: string, cacheDir: string, result: esbuild.BuildResult<{ metafile: true; write: false }>): BundleResult {
  const inputs = inputsOf(result, dirname(entry));
  const hash = hashInputs(entry, inputs);
  if (hash === undefined) throw new Error('an input file disappeared while bundling; try again');
  const out = result.outputFiles.find((f) => f.path.endsWith('.mjs')) ?? result.outputFiles[0];
  const file = join(cacheDir, `${hash}.mjs`);
  mkdirSync(join(cacheDir, 'inputs'), { recursive: true });
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, out.contents);
    renameSync(tmp, file);
  }
  writeFileSync(inputsIndex(cacheDir, entry), JSON.stringify({ entry, inputs }, null, 2));
  return { file, inputs, hash, cached: false };
}

/** The bundle of an earlier start, if every input it was built from is unchanged. */
function cachedBundle(entry: string, cacheDir: string): BundleResult | undefined {
  let recorded: { inputs?: unknown };
  try {
    recorded = JSON.parse(readFileSync(inputsIndex(cacheDir, entry), 'utf8')) as { inputs?: unknown };
  } catch {
    return undefined;
  }
  if (!Array.isArray(recorded.inputs) || !recorded.inputs.every((p) => typeof p === 'string')) return undefined;
  const inputs = recorded.inputs as string[];
  const hash = hashInputs(entry, inputs);
  if (hash === undefined) return undefined;
  const file = join(cacheDir, `${hash}.mjs`);
  return existsSync(file) ? { file, inputs, hash, cached: true } : undefined;
}

/** Bundles `entry` (an absolute .ts/.js file) into `cacheDir`, or reuses the bundle of an earlier start. */
export async function bundlePlugin(entry: string, cacheDir: string): Promise<BundleResult> {
  const reused = cachedBundle(entry, cacheDir);
  if (reused) return reused;
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    result = await esbuild.build(bundleOptions(entry, cacheDir));
  } catch (err) {
    throw new Error(formatBuildFailure(err));
  }
  return storeBuild(entry, cacheDir, result);
}

/** esbuild's errors as `file:line:column: text` lines. */
export function formatBuildFailure(err: unknown): string {
  const errors = (err as { errors?: esbuild.Message[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return `bundling failed: ${(err as Error)?.message ?? String(err)}`;
  const lines = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text));
  return `bundling failed: ${lines.join('; ')}`;
}
