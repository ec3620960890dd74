/**
 * @portico/sdk — everything a plugin author imports. Plugins depend on this package, never on the kernel's
 * internals: the kernel types re-exported here are the stable request/response API.
 */
import type { TSchema, Static } from '@sinclair/typebox';
import type { MiddlewarePlugin, ProviderPlugin, Plugin } from '@portico/core';

export { Exchange, UpstreamError, ConfigError, s, parseDuration, statusText, decode } from '@portico/core';
export type {
  Handler,
  MiddlewareFactory,
  ResponseModifier,
  ResponseLayer,
  ResponseLayerFactory,
  ResponseDownstream,
  ResponseSink,
  ElementContext,
  MiddlewarePlugin,
  ProviderPlugin,
  ProviderContext,
  ProviderSnapshot,
  Plugin,
  DecodeIssue,
} from '@portico/core';
export type { Static, TSchema } from '@sinclair/typebox';

/** Declares a middleware plugin; the identity at run time, it only ties the config type to the schema. */
export function defineMiddleware<S extends TSchema, P = Static<S>>(
  plugin: Omit<MiddlewarePlugin<S, P>, 'kind'>,
): MiddlewarePlugin<S, P> {
  return { kind: 'middleware', ...plugin };
}

/** Declares a provider plugin. */
export function defineProvider<S extends TSchema>(plugin: Omit<ProviderPlugin<S>, 'kind'>): ProviderPlugin<S> {
  return { kind: 'provider', ...plugin };
}

/** Declares a package's plugin list (what a plugin package's default export is). */
export function definePlugin(...plugins: Plugin[]): Plugin[] {
  return plugins;
}
export * from './source-criterion.js';
export { compileGoRegexp, GoRegexpError } from '@portico/core/rules';

// Path, URL and redirect helpers with Go's semantics, shared by the path-rewriting and redirect middlewares.
export * from './path/go-path.js';
export * from './path/escaped-path.js';
export * from './path/go-replace.js';
export * from './path/go-url.js';
export * from './path/redirect-response.js';
export * from './path/replaced-path-header.js';
export * from './path/request-url.js';

// Users of the auth middlewares (htpasswd / htdigest lines from `usersFile` and `users`).
export { collectUserLines, usersFileLines, type UserLine } from './auth-users.js';

// The `portico` manifest of plugin packages (loader and contract test share these checks).
export * from './manifest.js';
