// The `wasm` profile's middlewares: the same header-setting middleware as a WASM module (plugins/wasm's
// header.wat fixture, compiled here with wabt) and as a local TypeScript plugin (../plugins/header-mw.ts).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const watFile = join(repoRoot, 'plugins', 'wasm', 'test', 'fixtures', 'header.wat');
export const tsHeaderPlugin = join(repoRoot, 'test', 'bench', 'plugins', 'header-mw.ts');

/** Compiles header.wat to `<dir>/header-mw.wasm` (once per run) and returns its path. */
export async function headerWasm(dir) {
  const out = join(dir, 'header-mw.wasm');
  if (existsSync(out)) return out;
  const require = createRequire(join(repoRoot, 'plugins', 'wasm', 'package.json'));
  const { default: wabtFactory } = await import(pathToFileURL(require.resolve('wabt')).href);
  const wabt = await wabtFactory();
  const mod = wabt.parseWat('header.wat', readFileSync(watFile, 'utf8'));
  try {
    mod.validate();
    writeFileSync(out, mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
  return out;
}

/** Static `plugins` entry and dynamic options for `kind` ('wasm' | 'ts'). */
export async function headerPlugin(dir, kind) {
  const entry = kind === 'wasm' ? { wasm: await headerWasm(dir) } : { path: tsHeaderPlugin };
  return { entry, options: { greeting: 'bench', apiKey: 'k' } };
}
