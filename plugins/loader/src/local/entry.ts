import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface LocalEntry {
  /** The file esbuild starts from. */
  file: string;
  /** package.json of a folder plugin, when it has one (its `portico` manifest is checked). */
  packageJson?: Record<string, unknown>;
}

const INDEX_CANDIDATES = ['src/index.ts', 'index.ts', 'src/index.mts', 'index.mts', 'src/index.js', 'index.js'];

/**
 * The entry file of a local plugin: the file itself, or for a folder its package.json `main` — when `main`
 * names built output (`dist/index.js`) that does not exist, the TypeScript source next to it is used — else
 * `src/index.ts` or `index.ts`. Throws a message naming what was looked for.
 */
export function resolveLocalEntry(path: string): LocalEntry {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new Error(`${path} does not exist`);
  }
  if (stat.isFile()) return { file: path };
  if (!stat.isDirectory()) throw new Error(`${path} is neither a file nor a folder`);

  let packageJson: Record<string, unknown> | undefined;
  const pkgFile = join(path, 'package.json');
  if (existsSync(pkgFile)) {
    try {
      packageJson = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`${pkgFile} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const tried: string[] = [];
  const main = typeof packageJson?.main === 'string' ? packageJson.main : undefined;
  const candidates = main === undefined ? INDEX_CANDIDATES : [main, ...sourceOf(main), ...INDEX_CANDIDATES];
  for (const candidate of candidates) {
    const file = resolve(path, candidate);
    tried.push(candidate);
    if (existsSync(file) && statSync(file).isFile()) return packageJson === undefined ? { file } : { file, packageJson };
  }
  throw new Error(`no entry file in folder ${path} (tried ${tried.join(', ')}); name one with package.json "main"`);
}

/** `dist/index.js` → `src/index.ts`, `index.ts`: the source of a package's built output, for a local build. */
function sourceOf(main: string): string[] {
  const stem = main.replace(/^\.\//, '').replace(/\.(m?js|cjs)$/, '');
  const withoutOut = stem.replace(/^(dist|lib|build|out)\//, '');
  return [`src/${withoutOut}.ts`, `${stem}.ts`];
}
