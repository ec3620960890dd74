import { dirname, resolve } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { decode } from '../../schema/decode.js';
import type { ConfigIssue } from '../issues.js';
import { addImplicitEntryPoints, checkStaticConfig, dropDisabledSections } from './effective.js';
import { parseEnv } from './env.js';
import { defaultSearchDirs, findConfigFile, readConfigFile } from './file.js';
import { FLAGS_SOURCE, parseFlags } from './flags.js';
import { resolvePaths } from './paths.js';
import { buildStaticSchema, type StaticConfig } from './schema.js';
import { mergeInto, originOf, recordOrigins, type Origins, type RawTree } from './tree.js';
import { removeUnsupported, UNSUPPORTED_ROOTS } from './unsupported.js';

export interface StaticConfigInput {
  /** Static configuration flags (the command line without the command: `--configFile=…`, `--entryPoints.web.address=:80`). */
  argv: readonly string[];
  /** Environment variables; only `PORTICO_*` ones whose first key is a configuration root are read. */
  env: Readonly<Record<string, string | undefined>>;
  /** Working directory: relative `--configFile` and, without a file, relative paths resolve against it. */
  cwd: string;
  /** Folders searched for portico.{yml,yaml,toml} when no file is named (default: see file.ts). For tests. */
  searchDirs?: readonly string[];
}

export type StaticSourceKind = 'file' | 'env' | 'flags';

export interface LoadedStaticConfig {
  /** The decoded configuration. Complete only when `issues` holds no error. */
  config: StaticConfig;
  /** Absolute path of the configuration file used, if any. */
  file?: string;
  /** Folder relative paths resolved against (the file's folder, else `cwd`); providers get it too. */
  baseDir: string;
  /**
   * Every problem found, not only the first. `file` names where the faulty option comes from: the file path,
   * `command line`, or `environment variable PORTICO_…`.
   */
  issues: ConfigIssue[];
  /** Sources that contributed options, in the order they were applied (later ones override). */
  sources: StaticSourceKind[];
  /** Entry points Portico created because Traefik would (`http` on :80, `traefik` on :8080). */
  implicitEntryPoints: string[];
}

/**
 * Loads the static configuration from a file (YAML or TOML), environment variables and flags.
 *
 * Traefik treats the three as mutually exclusive (the first source found wins, the others are ignored).
 * Portico merges them — file, then environment, then flags, each overriding the previous one key by key — so a
 * flag can adjust one option of a file: a documented difference. Keys are matched case-insensitively.
 */
export function loadStaticConfig(input: StaticConfigInput, providerSchemas: Record<string, TSchema> = {}): LoadedStaticConfig {
  const schema = buildStaticSchema(providerSchemas);
  const issues: ConfigIssue[] = [];
  const flagOrigins: Origins = new Map();
  const envOrigins: Origins = new Map();
  const fileOrigins: Origins = new Map();

  const flags = parseFlags(input.argv, schema, flagOrigins);
  for (const i of flags.issues) issues.push({ file: FLAGS_SOURCE, path: i.path, message: i.message, severity: 'error' });
  const roots = [...Object.keys(schema.properties), ...UNSUPPORTED_ROOTS];
  const env = parseEnv(input.env, roots, envOrigins);
  for (const i of env.issues) issues.push({ file: 'environment', path: i.path, message: i.message, severity: 'error' });

  const sources: StaticSourceKind[] = [];
  const tree: RawTree = {};
  let file: string | undefined;
  const named = flags.configFile ?? env.configFile;
  if (named !== undefined && named.trim() === '') {
    issues.push({ file: named, path: '', message: 'configFile is empty: name a .yml, .yaml or .toml file', severity: 'error' });
  } else {
    file = named !== undefined ? resolve(input.cwd, named) : findConfigFile(input.searchDirs ?? defaultSearchDirs(input.cwd, input.env));
  }
  if (file !== undefined) {
    const read = readConfigFile(file);
    if ('error' in read) issues.push({ file, path: '', message: read.error, severity: 'error' });
    else {
      recordOrigins(read.tree, fileOrigins, file);
      mergeInto(tree, read.tree);
      sources.push('file');
    }
  }
  if (Object.keys(env.tree).length > 0) {
    mergeInto(tree, env.tree);
    sources.push('env');
  }
  if (Object.keys(flags.tree).length > 0) {
    mergeInto(tree, flags.tree);
    sources.push('flags');
  }
  const origins: Origins = new Map([...fileOrigins, ...envOrigins, ...flagOrigins]);
  const located = (path: string, message: string, severity: 'error' | 'warning' = 'error'): ConfigIssue => {
    const from = originOf(origins, path);
    return from === undefined ? { path, message, severity } : { file: from, path, message, severity };
  };

  for (const i of removeUnsupported(tree, Object.keys(providerSchemas))) issues.push(located(i.path, i.message));
  dropDisabledSections(schema, tree);
  const decoded = decode<StaticConfig>(schema, tree);
  for (const i of decoded.issues) issues.push(located(i.path, withEnvHint(i.message, originOf(origins, i.path))));

  const config = decoded.value;
  const baseDir = file !== undefined ? dirname(file) : input.cwd;
  const implicitEntryPoints = addImplicitEntryPoints(config);
  for (const i of checkStaticConfig(config)) issues.push(located(i.path, i.message, i.severity));
  resolvePaths(schema, config, baseDir);

  const result: LoadedStaticConfig = { config, baseDir, issues, sources, implicitEntryPoints };
  if (file !== undefined) result.file = file;
  return result;
}

/** Unknown keys from environment variables are often names with `_`, which the convention cannot carry. */
function withEnvHint(message: string, origin: string | undefined): string {
  if (origin?.startsWith('environment') && message.startsWith('unknown key')) {
    return `${message}; in environment variable names every "_" separates two keys, so names cannot contain "_"`;
  }
  return message;
}
