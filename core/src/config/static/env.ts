import type { DecodeIssue } from '../../schema/decode.js';
import { setPath, type Origins, type RawTree } from './tree.js';
import { editDistance } from '../../schema/edit-distance.js';

export const ENV_PREFIX = 'PORTICO_';

/** Source label of one environment variable (shown where an error names its file). */
export function envSource(name: string): string {
  return `environment variable ${name}`;
}

export interface ParsedEnv {
  tree: RawTree;
  /** `PORTICO_CONFIGFILE`. */
  configFile?: string;
  /** Names of the variables used. */
  used: string[];
  issues: DecodeIssue[];
}

/**
 * Static configuration from environment variables, Traefik's convention (github.com/traefik/paerser/env) with
 * the `PORTICO_` prefix: the name after the prefix is lower-cased and every `_` separates two keys, so
 * `PORTICO_ENTRYPOINTS_WEB_ADDRESS=:80` is `entryPoints.web.address`, `PORTICO_API=true` enables the API and
 * list elements are indexes (`..._DOMAINS_0_MAIN`). Traefik resolves the `_` ambiguity the same blunt way:
 * names given through the environment are lower-case (`WEB` is the entry point `web`) and cannot contain `_`
 * (`PORTICO_ENTRYPOINTS_MY_EP_ADDRESS` means `entryPoints.my.ep.address`, an error).
 *
 * Like Traefik, only variables whose first key is a static configuration root are read, so other `PORTICO_*`
 * variables (tooling, tests) are left alone — except near misses of a root (`PORTICO_ENTRYPOINT_…`), reported
 * as typos rather than silently ignored.
 */
export function parseEnv(env: Readonly<Record<string, string | undefined>>, roots: readonly string[], origins: Origins): ParsedEnv {
  const tree: RawTree = {};
  const issues: DecodeIssue[] = [];
  const used: string[] = [];
  let configFile: string | undefined;
  const lowerRoots = roots.map((r) => r.toLowerCase());
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || name.length <= ENV_PREFIX.length || name.slice(0, ENV_PREFIX.length).toUpperCase() !== ENV_PREFIX) continue;
    const segments = name.slice(ENV_PREFIX.length).toLowerCase().split('_');
    if (segments.length === 1 && segments[0] === 'configfile') {
      configFile = value;
      used.push(name);
      continue;
    }
    const rootIndex = lowerRoots.indexOf(segments[0]);
    if (rootIndex === -1) {
      const near = lowerRoots.findIndex((r) => segments[0].length > 3 && editDistance(segments[0], r) <= 2);
      if (near !== -1) {
        issues.push({
          path: segments.join('.'),
          message: `unknown key "${segments[0]}" from environment variable ${name} (did you mean ${ENV_PREFIX}${roots[near].toUpperCase()}…?)`,
        });
      }
      continue;
    }
    if (segments.some((seg) => seg === '')) {
      issues.push({ path: segments.join('.'), message: `bad environment variable name ${name}: empty key between "_" separators` });
      continue;
    }
    segments[0] = roots[rootIndex];
    setPath(tree, segments, value, origins, envSource(name));
    used.push(name);
  }
  return configFile === undefined ? { tree, used, issues } : { tree, configFile, used, issues };
}
