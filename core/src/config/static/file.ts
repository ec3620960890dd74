import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { isMap, type RawTree } from './tree.js';

/**
 * Where Portico looks for its static configuration file when `--configFile` is not given, first found wins.
 * Traefik looks for traefik.{toml,yaml,yml} in /etc/traefik/, $XDG_CONFIG_HOME/, $HOME/.config/ and `.`;
 * Portico looks for portico.{yml,yaml,toml} in the working directory, then $HOME/.config/, then /etc/portico/
 * — the most specific place first, so a local file is never shadowed by a system-wide one.
 */
export function defaultSearchDirs(cwd: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const dirs = [cwd];
  if (env.HOME) dirs.push(join(env.HOME, '.config'));
  dirs.push('/etc/portico');
  return dirs;
}

const BASE_NAMES = ['portico.yml', 'portico.yaml', 'portico.toml'];

export function findConfigFile(dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    for (const name of BASE_NAMES) {
      const candidate = resolve(dir, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  return undefined;
}

export type ReadResult = { tree: RawTree } | { error: string };

/** Reads and parses a YAML (.yml/.yaml) or TOML (.toml) file; errors say what and where (line, column). */
export function readConfigFile(path: string): ReadResult {
  const ext = extname(path).toLowerCase();
  if (ext !== '.yml' && ext !== '.yaml' && ext !== '.toml') {
    return { error: `unsupported configuration file extension "${ext}": use .yml, .yaml or .toml` };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { error: 'configuration file not found' };
    if (code === 'EISDIR') return { error: 'configuration file is a directory' };
    return { error: `cannot read configuration file: ${(err as Error).message}` };
  }
  let parsed: unknown;
  try {
    // `merge`: YAML `<<` merge keys, which Traefik's YAML decoder (go-yaml) accepts.
    parsed = ext === '.toml' ? parseToml(text) : parseYaml(text, { merge: true });
  } catch (err) {
    return { error: syntaxError(err) };
  }
  if (parsed === null || parsed === undefined) return { tree: {} };
  if (!isMap(parsed)) return { error: 'the configuration file must hold a map of options at its top level' };
  return { tree: parsed };
}

function syntaxError(err: unknown): string {
  if (err instanceof YAMLParseError) {
    const at = err.linePos?.[0];
    // The yaml package appends " at line L, column C:" and a code excerpt; keep the first sentence only.
    const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    return at ? `YAML syntax error at line ${at.line}, column ${at.col}: ${reason}` : `YAML syntax error: ${reason}`;
  }
  if (err instanceof TomlError) {
    const reason = err.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
    return `TOML syntax error at line ${err.line}, column ${err.column}: ${reason}`;
  }
  return `syntax error: ${(err as Error).message}`;
}
