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
import { checkPluginEntries, normalizePluginEntry, pluginHostSchema, pluginsSchema, type DecodedPluginEntry, type PluginEntry, type PluginHostConfig } from './plugins-schema.js';
import { s } from '../../schema/types.js';
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
  const { tree, origins, file, issues, sources, located } = readStaticSources(input, schema);

  for (const i of removeUnsupported(tree, Object.keys(providerSchemas))) issues.push(located(i.path, i.message));
  dropDisabledSections(schema, tree);
  const decoded = decode<StaticConfig>(schema, tree);
  for (const i of decoded.issues) issues.push(located(i.path, withEnvHint(i.message, originOf(origins, i.path))));

  const config = decoded.value;
  const baseDir = file !== undefined ? dirname(file) : input.cwd;
  const implicitEntryPoints = addImplicitEntryPoints(config);
  for (const i of checkStaticConfig(config)) issues.push(located(i.path, i.message, i.severity));
  for (const i of checkPluginEntries(config.plugins)) issues.push(located(i.path, i.message));
  resolvePaths(schema, config, baseDir);

  const result: LoadedStaticConfig = { config, baseDir, issues, sources, implicitEntryPoints };
  if (file !== undefined) result.file = file;
  return result;
}

export interface LoadedPluginSection {
  /** `plugins` entries by name, decoded, paths absolute. */
  plugins: Record<string, PluginEntry>;
  /** `pluginHost`, with defaults; `directory` and `lockFile` absolute, `registry` absolute when a folder. */
  pluginHost: PluginHostConfig;
  file?: string;
  baseDir: string;
  /** Problems of these two sections only (the rest is checked by loadStaticConfig once plugins are loaded). */
  issues: ConfigIssue[];
}

const pluginSectionSchema = s.object({ plugins: pluginsSchema, pluginHost: pluginHostSchema });

/**
 * First phase of start-up: reads only `plugins` and `pluginHost`, from the same file, environment and flags
 * as loadStaticConfig, so the plugins can load before the rest is decoded — provider plugins add their own
 * `providers.<name>` section to the schema loadStaticConfig then decodes with.
 */
export function loadPluginSection(input: StaticConfigInput): LoadedPluginSection {
  const full = buildStaticSchema({});
  const { tree, origins, file, issues: sourceIssues, located } = readStaticSources(input, full);
  const ours = (path: string) => /^(plugins|pluginhost)(\.|\[|$)/i.test(path);
  const issues = sourceIssues.filter((i) => ours(i.path));
  const picked: RawTree = {};
  for (const key of Object.keys(tree)) {
    const lower = key.toLowerCase();
    if (lower === 'plugins') picked.plugins = tree[key];
    else if (lower === 'pluginhost') picked.pluginHost = tree[key];
  }
  const decoded = decode<{ plugins: Record<string, DecodedPluginEntry>; pluginHost: PluginHostConfig }>(pluginSectionSchema, picked);
  for (const i of decoded.issues) issues.push(located(i.path, withEnvHint(i.message, originOf(origins, i.path))));
  for (const i of checkPluginEntries(decoded.value.plugins)) issues.push(located(i.path, i.message));
  const baseDir = file !== undefined ? dirname(file) : input.cwd;
  const value = decoded.value;
  resolvePaths(pluginSectionSchema, value, baseDir);
  const pluginHost = value.pluginHost ?? ({} as PluginHostConfig);
  pluginHost.registry = registryLocation(pluginHost.registry, baseDir);
  const plugins: Record<string, PluginEntry> = {};
  for (const [name, entry] of Object.entries(value.plugins ?? {})) if (entry !== undefined && entry !== null) plugins[name] = normalizePluginEntry(entry);
  for (const entry of Object.values(plugins)) if (entry?.registry !== undefined) entry.registry = registryLocation(entry.registry, baseDir);
  const result: LoadedPluginSection = { plugins, pluginHost, baseDir, issues };
  if (file !== undefined) result.file = file;
  return result;
}

/** A registry is a URL, or a local registry folder resolved like the other paths. */
function registryLocation(registry: string | undefined, baseDir: string): string {
  if (registry === undefined || registry === '') return registry ?? '';
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(registry) ? registry : resolve(baseDir, registry);
}

interface StaticSources {
  tree: RawTree;
  origins: Origins;
  file?: string;
  issues: ConfigIssue[];
  sources: StaticSourceKind[];
  /** An issue at `path`, located in the source that set it. */
  located: (path: string, message: string, severity?: 'error' | 'warning') => ConfigIssue;
}

/** Reads the file, environment variables and flags, and merges them (file, then environment, then flags). */
function readStaticSources(input: StaticConfigInput, schema: TSchema & { properties: Record<string, TSchema> }): StaticSources {
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
  const out: StaticSources = { tree, origins, issues, sources, located };
  if (file !== undefined) out.file = file;
  return out;
}

/** Unknown keys from environment variables are often names with `_`, which the convention cannot carry. */
function withEnvHint(message: string, origin: string | undefined): string {
  if (origin?.startsWith('environment') && message.startsWith('unknown key')) {
    return `${message}; in environment variable names every "_" separates two keys, so names cannot contain "_"`;
  }
  return message;
}
