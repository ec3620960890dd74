import { ConfigError, decode } from '@portico/core';
import type { DecodeIssue, MiddlewareFactory, MiddlewarePlugin, Plugin } from '@portico/core';
import { createTestContext, type TestContext } from './test-context.js';

/**
 * One middleware element under test: a plugin (or a package's plugin list plus the `type` to pick) and its
 * raw configuration, as it would appear under `http.middlewares.<name>.<type>` in dynamic configuration.
 */
export interface MiddlewareUnderTest {
  plugin: MiddlewarePlugin<any, any> | readonly Plugin[];
  /** Which middleware of a plugin list; needed only when the list holds several. */
  type?: string;
  /** Raw configuration, decoded strictly by the plugin's schema (defaults filled, unknown keys rejected). */
  config?: unknown;
  /** Element name (without `@provider`); defaults to the type. */
  name?: string;
  /** Context to build with (share its `store` across builds to simulate a reload). */
  context?: TestContext;
}

/** The decode problems of a configuration, thrown as one ConfigError located at the first problem. */
export class ConfigDecodeError extends ConfigError {
  constructor(readonly issues: DecodeIssue[]) {
    super(issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; '), issues[0]?.path ?? '');
    this.name = 'ConfigDecodeError';
  }
}

/** The middleware plugin a target designates. */
export function middlewarePluginOf(target: Pick<MiddlewareUnderTest, 'plugin' | 'type'>): MiddlewarePlugin<any, any> {
  const { plugin, type } = target;
  if (!Array.isArray(plugin)) {
    const single = plugin as MiddlewarePlugin;
    if (single.kind !== 'middleware') throw new Error(`plugin ${describePlugin(single)} is not a middleware`);
    return single;
  }
  const middlewares = (plugin as readonly Plugin[]).filter((p): p is MiddlewarePlugin => p.kind === 'middleware');
  const found = type === undefined ? (middlewares.length === 1 ? middlewares[0] : undefined) : middlewares.find((p) => p.type === type);
  if (found === undefined) {
    const types = middlewares.map((p) => p.type).join(', ') || 'none';
    throw new Error(type === undefined ? `name the middleware type to test (the list holds: ${types})` : `no middleware plugin of type ${type} (the list holds: ${types})`);
  }
  return found;
}

function describePlugin(p: Plugin): string {
  return p.kind === 'middleware' ? p.type : p.name;
}

/** A built middleware element and the context it was built with. */
export interface BuiltMiddleware {
  plugin: MiddlewarePlugin<any, any>;
  factory: MiddlewareFactory;
  context: TestContext;
}

/**
 * Runs one element through the plugin lifecycle exactly as the kernel does (core/src/runtime/model.ts decodes,
 * build-middlewares.ts provisions → validates → builds): strict decode by the schema (every problem with its
 * key path, thrown as ConfigDecodeError), provision, validate, build. A failing step runs the cleanups the
 * earlier ones registered, then rethrows — so a ConfigError's `path` is the key path inside the element.
 */
export async function buildMiddleware(target: MiddlewareUnderTest): Promise<BuiltMiddleware> {
  const plugin = middlewarePluginOf(target);
  const context = target.context ?? createTestContext({ element: `${target.name ?? plugin.type}@test` });
  const { value, issues } = decode(plugin.schema, target.config === undefined ? {} : target.config);
  if (issues.length > 0) throw new ConfigDecodeError(issues);
  try {
    const prepared = plugin.provision ? await plugin.provision(value, context) : value;
    plugin.validate?.(prepared, context);
    const factory = plugin.build(prepared, context);
    if (typeof factory !== 'function') throw new Error(`plugin ${plugin.type} build() did not return a middleware function`);
    return { plugin, factory, context };
  } catch (err) {
    await context.runCleanups();
    throw err;
  }
}

/** Builds every element of a chain (outermost first); if one fails, the ones already built are cleaned up. */
export async function buildChain(targets: readonly MiddlewareUnderTest[]): Promise<BuiltMiddleware[]> {
  const built: BuiltMiddleware[] = [];
  try {
    for (const t of targets) built.push(await buildMiddleware(t));
    return built;
  } catch (err) {
    for (const b of built.reverse()) await b.context.runCleanups();
    throw err;
  }
}

/** Builds the configuration and returns the error it raises (a ConfigError with a key path), or undefined when accepted. */
export async function configErrorOf(target: MiddlewareUnderTest): Promise<ConfigError | undefined> {
  try {
    const built = await buildMiddleware(target);
    await built.context.runCleanups();
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}
