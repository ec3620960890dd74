import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';
import { decode } from '../../schema/decode.js';
import { entryPointSchema } from './entrypoint-schema.js';
import type { EntryPointConfig, StaticConfig } from './schema.js';
import { isMap, type RawTree } from './tree.js';

/** Name of Traefik's internal entry point (API with `api.insecure`, ping), created on :8080 when needed. */
export const INTERNAL_ENTRYPOINT = 'traefik';

/**
 * `--ping=false`, `PORTICO_API=false`, `accessLog: false`: an optional section switched off is absent, as with
 * Traefik's pointer sections. Applied to the raw tree before decoding. Modifies `tree` in place.
 */
export function dropDisabledSections(schema: TSchema, tree: RawTree): void {
  if (schema[Kind] !== 'Object') return;
  const props = schema.properties as Record<string, TSchema>;
  for (const key of Object.keys(tree)) {
    const name = Object.keys(props).find((k) => k.toLowerCase() === key.toLowerCase());
    if (name === undefined) continue;
    const prop = props[name];
    const value = tree[key];
    if (prop[Kind] === 'Object' && prop[OptionalKind] === 'Optional' && (value === false || value === 'false')) delete tree[key];
    else if (isMap(value)) dropDisabledSections(prop, value);
  }
}

function defaultEntryPoint(address: string): EntryPointConfig {
  return decode<EntryPointConfig>(entryPointSchema, { address }).value;
}

/**
 * Traefik's SetEffectiveConfiguration: with no entry point at all, an entry point `http` on :80 is created; when
 * the API is insecure, or ping is on with automatic routing to the entry point `traefik`, and no entry point
 * named `traefik` exists, one is created on :8080. Returns the names created. Modifies `config` in place.
 */
export function addImplicitEntryPoints(config: StaticConfig): string[] {
  const created: string[] = [];
  config.entryPoints ??= {};
  if (Object.keys(config.entryPoints).length === 0) {
    config.entryPoints.http = defaultEntryPoint(':80');
    created.push('http');
  }
  const needsInternal =
    config.api?.insecure === true ||
    (config.ping !== undefined && !config.ping.manualRouting && config.ping.entryPoint === INTERNAL_ENTRYPOINT);
  if (needsInternal && config.entryPoints[INTERNAL_ENTRYPOINT] === undefined) {
    config.entryPoints[INTERNAL_ENTRYPOINT] = defaultEntryPoint(':8080');
    created.push(INTERNAL_ENTRYPOINT);
  }
  return created;
}

export interface SemanticIssue {
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** Checks across options, once decoded (Traefik's ValidateConfiguration and references between options). */
export function checkStaticConfig(config: StaticConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  // Decoding may have failed in places: every section is checked defensively.
  const entryPoints = config.entryPoints ?? {};
  const names = Object.keys(entryPoints);
  const known = names.length > 0 ? `; entry points: ${names.join(', ')}` : '';
  for (const [name, ep] of Object.entries(entryPoints)) {
    const to = ep.http?.redirections?.entryPoint?.to;
    // Traefik accepts an entry point name or ":port" (pkg/provider/traefik: getRedirectPort).
    if (typeof to === 'string' && !/^:\d+$/.test(to) && entryPoints[to] === undefined) {
      issues.push({
        path: `entryPoints.${name}.http.redirections.entryPoint.to`,
        message: `redirects to entry point "${to}", which does not exist (give an entry point name or ":port"${known})`,
        severity: 'error',
      });
    }
  }
  const ping = config.ping;
  if (ping !== undefined && ping.manualRouting === false && typeof ping.entryPoint === 'string' && entryPoints[ping.entryPoint] === undefined) {
    issues.push({ path: 'ping.entryPoint', message: `entry point "${ping.entryPoint}" does not exist${known}`, severity: 'error' });
  }
  if (typeof config.api?.basePath === 'string' && !config.api.basePath.startsWith('/')) {
    issues.push({ path: 'api.basePath', message: `must be an absolute path (starting with "/"), got ${JSON.stringify(config.api.basePath)}`, severity: 'error' });
  }
  if (config.core?.defaultRuleSyntax === 'v2') {
    issues.push({ path: 'core.defaultRuleSyntax', message: 'the v2 rule syntax is deprecated; prefer v3', severity: 'warning' });
  }
  return issues;
}
