import type { TSchema } from '@sinclair/typebox';
import { decode } from '../schema/decode.js';
import type { ConfigIssue } from '../config/issues.js';
import type { ProviderSnapshot, MiddlewarePlugin } from '../plugin/types.js';
import type { PluginRegistry } from '../plugin/registry.js';
import {
  routerSchema,
  serviceSchema,
  serversTransportSchema,
  KNOWN_SECTIONS,
  HTTP_SECTIONS,
  type RouterConfig,
  type ServiceConfig,
  type ServersTransportConfig,
} from '../config/dynamic/schema.js';

export type ElementStatus = 'enabled' | 'warning' | 'disabled';

/** One configured element (router, service, middleware…) with its decoded config and its problems. */
export interface ElementRecord<C> {
  /** Qualified name: `name@provider`. */
  name: string;
  provider: string;
  /** Config as given by the provider (for /api/rawdata). */
  raw: unknown;
  /** Decoded config; undefined when decoding failed. */
  config?: C;
  file?: string;
  issues: ConfigIssue[];
  /** Live fields the API adds to this element's view, read at each API call (a load balancer's serverStatus). */
  runtimeView?: () => Record<string, unknown>;
}

export interface MiddlewareElement {
  type: string;
  plugin: MiddlewarePlugin;
  options: unknown;
}

/** The merged dynamic configuration of all providers, decoded, before anything is built. */
export interface DynamicModel {
  routers: Map<string, ElementRecord<RouterConfig>>;
  services: Map<string, ElementRecord<ServiceConfig>>;
  middlewares: Map<string, ElementRecord<MiddlewareElement>>;
  serversTransports: Map<string, ElementRecord<ServersTransportConfig>>;
  /** Problems not attached to one element (unknown sections, unsupported features). */
  issues: ConfigIssue[];
}

export function statusOf(record: { issues: ConfigIssue[]; config?: unknown }): ElementStatus {
  if (record.config === undefined || record.issues.some((i) => i.severity === 'error')) return 'disabled';
  return record.issues.length > 0 ? 'warning' : 'enabled';
}

export function errorOf(record: ElementRecord<unknown>, message: string, path = ''): void {
  record.issues.push({ file: record.file, element: record.name, path, message, severity: 'error' });
}

export function warnOf(record: ElementRecord<unknown>, message: string, path = ''): void {
  record.issues.push({ file: record.file, element: record.name, path, message, severity: 'warning' });
}

/** Qualifies a reference as Traefik does: `name` → `name@<provider of the referrer>`, `a@b` stays. */
export function qualify(ref: string, provider: string): string {
  return ref.includes('@') ? ref : `${ref}@${provider}`;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes the latest snapshot of every provider into one model (providers in the order given). */
export function buildModel(snapshots: Map<string, ProviderSnapshot>, registry: PluginRegistry): DynamicModel {
  const model: DynamicModel = {
    routers: new Map(),
    services: new Map(),
    middlewares: new Map(),
    serversTransports: new Map(),
    issues: [],
  };
  for (const [provider, snap] of snapshots) decodeSnapshot(model, provider, snap, registry);
  return model;
}

function decodeSnapshot(model: DynamicModel, provider: string, snap: ProviderSnapshot, registry: PluginRegistry): void {
  const origin = (path: string) => snap.origins?.[path] ?? snap.source;
  const cfg = snap.config ?? {};
  for (const [section, value] of Object.entries(cfg)) {
    if (value === null || value === undefined) continue;
    if (!(KNOWN_SECTIONS as readonly string[]).includes(section)) {
      model.issues.push({ file: snap.source, path: section, message: `unknown section "${section}" (expected http, tcp, udp or tls)`, severity: 'error' });
      continue;
    }
    if (section !== 'http') {
      // Fail loudly: a TCP/UDP/TLS configuration that is silently not served would be a hidden outage.
      model.issues.push({ file: snap.source, path: section, message: `the "${section}" section is not supported yet by Portico; its elements are not served`, severity: 'error' });
      continue;
    }
    if (!isMap(value)) {
      model.issues.push({ file: snap.source, path: 'http', message: 'expected a map', severity: 'error' });
      continue;
    }
    for (const [kind, elements] of Object.entries(value)) {
      if (!(HTTP_SECTIONS as readonly string[]).includes(kind)) {
        model.issues.push({ file: snap.source, path: `http.${kind}`, message: `unknown key "${kind}" (expected ${HTTP_SECTIONS.join(', ')})`, severity: 'error' });
        continue;
      }
      if (elements === null || elements === undefined) continue;
      if (!isMap(elements)) {
        model.issues.push({ file: snap.source, path: `http.${kind}`, message: 'expected a map of named elements', severity: 'error' });
        continue;
      }
      for (const [name, raw] of Object.entries(elements)) {
        const path = `http.${kind}.${name}`;
        const base = { name: `${name}@${provider}`, provider, raw, file: origin(path), issues: [] as ConfigIssue[] };
        if (name.includes('@')) {
          errorOf(base, `element names cannot contain "@" (it separates the provider)`, path);
          const target = { routers: model.routers, services: model.services, serversTransports: model.serversTransports, middlewares: model.middlewares }[kind] as Map<string, ElementRecord<never>>;
          target.set(base.name, base as ElementRecord<never>);
          continue;
        }
        if (kind === 'routers') model.routers.set(base.name, decodeElement(base, routerSchema, raw, path));
        else if (kind === 'services') model.services.set(base.name, decodeService(decodeElement(base, serviceSchema, raw, path), path));
        else if (kind === 'serversTransports') model.serversTransports.set(base.name, decodeElement(base, serversTransportSchema, raw, path));
        else model.middlewares.set(base.name, decodeMiddleware(base, raw, path, registry));
      }
    }
  }
}

function decodeElement<C>(base: ElementRecord<C>, schema: TSchema, raw: unknown, path: string): ElementRecord<C> {
  const { value, issues } = decode<C>(schema, raw, path);
  for (const i of issues) errorOf(base, i.message, i.path);
  if (issues.length === 0) base.config = value;
  return base;
}

function decodeService(rec: ElementRecord<ServiceConfig>, path: string): ElementRecord<ServiceConfig> {
  const cfg = rec.config;
  if (cfg === undefined) return rec;
  const kinds = Object.keys(cfg).filter((k) => (cfg as Record<string, unknown>)[k] !== undefined);
  if (kinds.length !== 1) {
    errorOf(rec, kinds.length === 0 ? 'a service needs one of loadBalancer, weighted, mirroring, failover' : `a service has exactly one kind, got ${kinds.join(' and ')}`, path);
    rec.config = undefined;
  } else if (kinds[0] === 'highestRandomWeight') {
    errorOf(rec, 'service kind "highestRandomWeight" is not supported by Portico (use loadBalancer, weighted, mirroring or failover)', `${path}.${kinds[0]}`);
    rec.config = undefined;
  }
  return rec;
}

function decodeMiddleware(base: ElementRecord<MiddlewareElement>, raw: unknown, path: string, registry: PluginRegistry): ElementRecord<MiddlewareElement> {
  if (!isMap(raw) || Object.keys(raw).length !== 1) {
    errorOf(base, 'a middleware is a map with exactly one key, its type (e.g. basicAuth)', path);
    return base;
  }
  const [type, options] = Object.entries(raw)[0];
  if (type.toLowerCase() === 'plugin' && registry.middleware(type) === undefined) return decodeThirdParty(base, options, `${path}.${type}`, registry);
  const plugin = registry.middleware(type);
  if (plugin === undefined) {
    const known = [...registry.middlewares.keys()].sort().join(', ');
    const plugins = registry.plugins.size > 0 ? `; enabled plugins are used as plugin.<name>: ${[...registry.plugins.keys()].sort().join(', ')}` : '';
    errorOf(base, `unknown middleware type "${type}" (available: ${known}${plugins})`, `${path}.${type}`);
    return base;
  }
  const { value, issues } = decode(plugin.schema, options, `${path}.${type}`);
  for (const i of issues) errorOf(base, i.message, i.path);
  if (issues.length === 0) base.config = { type: plugin.type, plugin, options: value };
  return base;
}

/**
 * Traefik's form for third-party middlewares: `plugin: {<name>: {...options}}`, where `<name>` is the static
 * `plugins.<name>`; the options are decoded by that plugin's schema, with paths `…plugin.<name>.<key>`.
 */
function decodeThirdParty(base: ElementRecord<MiddlewareElement>, raw: unknown, path: string, registry: PluginRegistry): ElementRecord<MiddlewareElement> {
  const enabled = [...registry.plugins.keys()].sort();
  const hint = enabled.length > 0 ? `enabled plugins: ${enabled.join(', ')}` : 'no plugin is enabled: add one to the static configuration\'s plugins section';
  if (!isMap(raw) || Object.keys(raw).length !== 1) {
    errorOf(base, `plugin is a map with exactly one key, the plugin's name from the static configuration (${hint})`, path);
    return base;
  }
  const [name, options] = Object.entries(raw)[0];
  const plugin = registry.plugin(name);
  if (plugin === undefined) {
    errorOf(base, `unknown plugin "${name}" (${hint})`, `${path}.${name}`);
    return base;
  }
  const { value, issues } = decode(plugin.schema, options, `${path}.${name}`);
  for (const i of issues) errorOf(base, i.message, i.path);
  // The type doubles as the key path of the options (build errors are located at http.middlewares.<x>.<type>).
  if (issues.length === 0) base.config = { type: `plugin.${name}`, plugin, options: value };
  return base;
}
