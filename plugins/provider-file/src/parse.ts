import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { ProviderSnapshot } from '@portico/sdk';

export const CONFIG_EXTENSIONS = new Set(['.yml', '.yaml', '.toml']);

/** Raised when a file cannot be used at all (unreadable, syntax error): the message names the file and line. */
export class FileConfigError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
  }
}

/** Parses one dynamic configuration file (YAML or TOML by extension). An empty file is an empty config. */
export function parseConfigFile(file: string, text?: string): Record<string, unknown> {
  let content: string;
  try {
    content = text ?? readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileConfigError(file, `cannot read: ${(err as Error).message}`);
  }
  const ext = extname(file).toLowerCase();
  let parsed: unknown;
  try {
    if (ext === '.toml') parsed = parseToml(content);
    else if (ext === '.yml' || ext === '.yaml') parsed = parseYaml(content, { prettyErrors: true, uniqueKeys: true });
    else throw new FileConfigError(file, `unsupported extension "${ext}" (use .yml, .yaml or .toml)`);
  } catch (err) {
    if (err instanceof FileConfigError) throw err;
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      throw new FileConfigError(file, `YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${err.message.split('\n')[0]}`);
    }
    if (err instanceof TomlError) throw new FileConfigError(file, `TOML syntax error at line ${err.line}, column ${err.column}: ${err.message.split('\n')[0]}`);
    throw new FileConfigError(file, `cannot parse: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new FileConfigError(file, 'the top level must be a map (http:, tcp:, tls: …)');
  return parsed as Record<string, unknown>;
}

/** Lists configuration files of a directory, recursively, in a stable order. */
export function listConfigFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (CONFIG_EXTENSIONS.has(extname(name).toLowerCase())) out.push(p);
    }
  };
  walk(dir);
  return out;
}

type Tree = Record<string, unknown>;
const isMap = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges several files into one snapshot, remembering which file declared each element (`http.routers.x`).
 * An element declared by two files is an error naming both: Traefik keeps one arbitrarily, which hides mistakes.
 */
export function mergeFiles(files: { file: string; config: Tree }[]): { snapshot: ProviderSnapshot; conflicts: string[] } {
  const config: Tree = {};
  const origins: Record<string, string> = {};
  const conflicts: string[] = [];
  for (const { file, config: c } of files) {
    for (const [section, v] of Object.entries(c)) {
      if (!isMap(v)) {
        if (v !== null && v !== undefined) config[section] = v;
        continue;
      }
      const target = (config[section] ??= {}) as Tree;
      for (const [kind, elements] of Object.entries(v)) {
        if (!isMap(elements)) {
          target[kind] = elements;
          origins[`${section}.${kind}`] = file;
          continue;
        }
        const into = (target[kind] ??= {}) as Tree;
        for (const [name, el] of Object.entries(elements)) {
          const key = `${section}.${kind}.${name}`;
          if (key in origins) {
            conflicts.push(`${key} is declared in both ${origins[key]} and ${file}; the first one is used`);
            continue;
          }
          into[name] = el;
          origins[key] = file;
        }
      }
    }
  }
  return { snapshot: { config, origins, source: files.length === 1 ? files[0].file : undefined }, conflicts };
}
