import type { Plugin } from '@portico/sdk';

/**
 * The plugins a bundled module exports: its default export is what `definePlugin(...)` returns (a list) or a
 * single plugin (`defineMiddleware(...)`), or a function of the entry's static `config` returning either. Each one is checked for the fields the kernel calls, so a mistake
 * is reported at start-up with the plugin's name rather than as a crash on the first request.
 */
export function pluginsOf(mod: Record<string, unknown>, config: Record<string, unknown> = {}): Plugin[] {
  let exported = mod.default;
  // A factory receives the entry's `config` (static `plugins.<name>.config`), for options fixed at start-up.
  if (typeof exported === 'function') exported = (exported as (c: Record<string, unknown>) => unknown)(config);
  if (exported === undefined) {
    throw new Error('the module has no default export; export default definePlugin(...) or defineMiddleware(...)');
  }
  const list = Array.isArray(exported) ? exported : [exported];
  if (list.length === 0) throw new Error('the default export is an empty list of plugins');
  list.forEach((p, i) => checkPlugin(p, list.length > 1 ? `plugin [${i}] of the default export` : 'the default export'));
  return list as Plugin[];
}

function checkPlugin(p: unknown, what: string): void {
  if (typeof p !== 'object' || p === null) throw new Error(`${what} is not a plugin object (use defineMiddleware or defineProvider from @portico/sdk)`);
  const o = p as Record<string, unknown>;
  const need = (field: string, type: string) => {
    if (typeof o[field] !== type) throw new Error(`${what} (${o.kind} plugin) needs "${field}" (${type}), got ${typeof o[field]}`);
  };
  if (o.kind === 'middleware') {
    need('type', 'string');
    need('build', 'function');
  } else if (o.kind === 'provider') {
    need('name', 'string');
    need('start', 'function');
  } else {
    throw new Error(`${what} has kind ${JSON.stringify(o.kind)}; expected "middleware" or "provider" (use defineMiddleware or defineProvider from @portico/sdk)`);
  }
  if (typeof o.schema !== 'object' || o.schema === null) throw new Error(`${what} needs a "schema" (built with s from @portico/sdk)`);
}
