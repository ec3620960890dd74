import type { TSchema } from '@sinclair/typebox';
import type { DecodeIssue } from '../../schema/decode.js';
import { isList, isSwitch, schemaAt } from './schema-path.js';
import { setPath, type Origins, type RawTree } from './tree.js';

/** Source label of options given as flags (shown where an error names its file). */
export const FLAGS_SOURCE = 'command line';

export interface ParsedFlags {
  tree: RawTree;
  /** `--configFile` (any case), which names the file rather than being an option of it. */
  configFile?: string;
  issues: DecodeIssue[];
}

/**
 * Static configuration flags, Traefik's syntax (github.com/traefik/paerser/flag):
 * `--a.b.c=value`, `--a.b.c value`, `-a.b.c=value`; a bare `--ping` or `--api.insecure` means true (booleans and
 * sections take no value — the schema tells which); list items `--x.trustedIPs=1.2.3.4,5.6.7.8` or the flag
 * repeated; indexed list elements `--x.domains[0].main=a.com`; `--` ends the flags. Key case does not matter;
 * user-chosen names (entry point names) keep the case given.
 */
export function parseFlags(argv: readonly string[], schema: TSchema, origins: Origins): ParsedFlags {
  const tree: RawTree = {};
  const issues: DecodeIssue[] = [];
  const lists = new Map<string, string>();
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      for (const extra of argv.slice(i + 1)) issues.push(unexpected(extra));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      issues.push(unexpected(arg));
      continue;
    }
    const body = arg.slice(arg.startsWith('--') ? 2 : 1);
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const segments = name.replace(/\[(\d+)\]/g, '.$1').split('.');
    if (name === '' || segments.some((seg) => seg === '')) {
      issues.push({ path: name, message: `bad flag syntax ${JSON.stringify(arg)}: expected e.g. --entryPoints.web.address=:80` });
      continue;
    }
    const target = schemaAt(schema, segments);
    let value: string;
    if (eq !== -1) value = body.slice(eq + 1);
    else if (name.toLowerCase() !== 'configfile' && isSwitch(target)) value = 'true';
    // The next argument is the value unless it is itself a flag (a value starting with "--" needs `=`).
    else if (i + 1 < argv.length && !argv[i + 1].startsWith(target === undefined ? '-' : '--')) value = argv[++i];
    else if (target === undefined && name.toLowerCase() !== 'configfile') value = 'true';
    else {
      issues.push({ path: name, message: `flag ${arg} needs a value` });
      continue;
    }
    if (segments.length === 1 && name.toLowerCase() === 'configfile') {
      configFile = value;
      continue;
    }
    if (isList(target)) {
      const key = segments.join('.').toLowerCase();
      const previous = lists.get(key);
      value = previous === undefined ? value : `${previous},${value}`;
      lists.set(key, value);
    }
    setPath(tree, segments, value, origins, FLAGS_SOURCE);
  }
  return configFile === undefined ? { tree, issues } : { tree, configFile, issues };
}

function unexpected(arg: string): DecodeIssue {
  return { path: '', message: `unexpected argument ${JSON.stringify(arg)}: options are flags like --entryPoints.web.address=:80` };
}
