import type { TSchema, Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import type { Handler, MiddlewareFactory } from '../http/exchange.js';

/**
 * The plugin contracts. The kernel knows plugins only through these; first-party plugins and third-party
 * ones implement the same interfaces (through @portico/sdk) and are registered the same way.
 *
 * Lifecycle of a middleware element (Caddy's): decode (strict, by `schema`) → provision → validate → build;
 * `cleanup` runs when the element leaves the configuration (or a later step failed).
 */

/** What a plugin gets when it provisions and builds one configured element. */
export interface ElementContext {
  /** Qualified element name, e.g. `auth@file`. */
  readonly element: string;
  /** Provider that declared the element (`file`, …). */
  readonly provider: string;
  /** Logger bound to the element. */
  readonly log: Logger;
  /**
   * State that must survive configuration reloads (e.g. rate-limit buckets): the same key for the same element
   * returns the same object across runtime generations, as long as the element keeps existing.
   */
  state<T>(key: string, create: () => T): T;
  /** Registers a function to run when this element's runtime is discarded (timers, sockets). */
  onCleanup(fn: () => void | Promise<void>): void;
  /**
   * The built middleware another element names, for middlewares that compose others (chain). `name` is
   * resolved like a router's middleware reference: `x` means `x@<this element's provider>`, `x@p` is taken as
   * is. Call it from validate() or build() only (the kernel builds the referenced element first); the result is
   * a plain MiddlewareFactory, so nothing is looked up per request. Throws a ConfigError located at `path` (the
   * key path of the reference inside this element, e.g. `middlewares[1]`) when the middleware does not exist, is
   * disabled by its own errors, or the reference closes a cycle.
   *
   * Optional only so that hand-made contexts (tests) stay valid: the kernel always provides it.
   */
  middleware?(name: string, path?: string): MiddlewareFactory;
  /**
   * The built handler of a service (the errors middleware sends its error-page request there). Named and
   * resolved like `middleware()`; same rules, same errors. Optional for the same reason.
   */
  service?(name: string, path?: string): Handler;
}

/** A configuration error raised by provision/validate/build, located at a key path inside the element. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** Key path inside the element's config, e.g. `users[1]`. */
    readonly path = '',
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface MiddlewarePlugin<S extends TSchema = TSchema, P = Static<S>> {
  kind: 'middleware';
  /** The key used in dynamic config, e.g. `basicAuth` in `middlewares: {auth: {basicAuth: {...}}}`. */
  type: string;
  /** One-line description for the reference docs. */
  description?: string;
  /** Schema of the element's options (strict: unknown keys are errors). */
  schema: S;
  /** Resolve external resources (files, secrets) into a prepared form. May be async. */
  provision?(config: Static<S>, ctx: ElementContext): P | Promise<P>;
  /** Cross-field checks; throw ConfigError with a key path. */
  validate?(prepared: P, ctx: ElementContext): void;
  /** Builds the middleware: called once per configuration version; the result runs per request. */
  build(prepared: P, ctx: ElementContext): MiddlewareFactory;
}

/** A configuration snapshot pushed by a provider: the Traefik-format dynamic configuration, raw. */
export interface ProviderSnapshot {
  /** The raw dynamic configuration (`http: {routers, services, middlewares}` …), as parsed. */
  config: Record<string, unknown>;
  /**
   * Where each element came from, for error messages: `http.routers.<name>` → file path. `source` is used for
   * elements not listed.
   */
  origins?: Record<string, string>;
  source?: string;
}

/** What a provider gets when it starts. */
export interface ProviderContext {
  /** Provider name used to qualify its elements (`file` → `name@file`). */
  readonly name: string;
  readonly log: Logger;
  /** Aborted when the proxy stops: stop watching, close connections. */
  readonly signal: AbortSignal;
  /** Directory relative paths in the static config resolve against (the static config file's folder). */
  readonly baseDir: string;
  /** Pushes a new whole snapshot; replaces this provider's previous one. */
  push(snapshot: ProviderSnapshot): void;
  /**
   * Reports that the provider's source is unusable right now (syntax error, unreadable file). The previous
   * snapshot stays in force — the proxy keeps serving — and the error is shown in logs and the API.
   */
  fail(error: { message: string; source?: string }): void;
}

export interface ProviderPlugin<S extends TSchema = TSchema> {
  kind: 'provider';
  /** Key under static `providers`, e.g. `file`; also the suffix of its elements' names. */
  name: string;
  description?: string;
  schema: S;
  /**
   * Loads once (for `portico validate`): returns the snapshot without watching. Providers that cannot load
   * synchronously from local state may omit it.
   */
  load?(config: Static<S>, ctx: Omit<ProviderContext, 'push' | 'fail' | 'signal'>): Promise<ProviderSnapshot>;
  /** Starts providing: push the first snapshot, then one per change until `signal` aborts. */
  start(config: Static<S>, ctx: ProviderContext): Promise<void> | void;
}

export type Plugin = MiddlewarePlugin<any, any> | ProviderPlugin<any>;
