import type { MiddlewarePlugin, Plugin, ProviderPlugin } from './types.js';

/**
 * The plugins known to this process, by the names configuration uses. First-party and third-party plugins are
 * registered the same way (the `registerPlugins` hook); the kernel never imports a plugin itself.
 *
 * First-party middlewares are keyed by their type (`basicAuth`); third-party ones, enabled in the static
 * `plugins` section, by the name given there, and used in dynamic configuration as Traefik's plugins are:
 * `http.middlewares.<x>.plugin.<name>`. A third-party provider plugin takes the static name too
 * (`providers.<name>`).
 */
export class PluginRegistry {
  readonly middlewares = new Map<string, MiddlewarePlugin>();
  readonly providers = new Map<string, ProviderPlugin>();
  /** Third-party middlewares by their static `plugins.<name>`. */
  readonly plugins = new Map<string, MiddlewarePlugin>();
  /** What each static name registered, so a rebuilt plugin (watch mode) can replace it. */
  private readonly named = new Map<string, { middleware?: string; provider?: string }>();

  register(plugin: Plugin | Plugin[]): void {
    for (const p of Array.isArray(plugin) ? plugin : [plugin]) {
      if (p.kind === 'middleware') {
        if (this.middlewares.has(p.type)) throw new Error(`middleware type "${p.type}" is registered twice`);
        this.middlewares.set(p.type, p);
      } else if (p.kind === 'provider') {
        if (this.providers.has(p.name)) throw new Error(`provider "${p.name}" is registered twice`);
        this.providers.set(p.name, p);
      } else {
        throw new Error(`unknown plugin kind ${JSON.stringify((p as { kind?: unknown }).kind)}`);
      }
    }
  }

  /**
   * Registers what a third-party plugin (static `plugins.<name>`) exports: at most one middleware, used as
   * `plugin.<name>`, and at most one provider, configured as `providers.<name>`. Throws with a message for the
   * user when the name is taken or the plugin exports several of a kind.
   */
  registerNamed(name: string, plugin: Plugin | Plugin[]): void {
    const list = Array.isArray(plugin) ? plugin : [plugin];
    const middlewares = list.filter((p): p is MiddlewarePlugin => p?.kind === 'middleware');
    const providers = list.filter((p): p is ProviderPlugin => p?.kind === 'provider');
    const other = list.find((p) => p?.kind !== 'middleware' && p?.kind !== 'provider');
    if (other !== undefined) throw new Error(`exports a plugin of unknown kind ${JSON.stringify((other as { kind?: unknown })?.kind)}`);
    if (middlewares.length > 1) throw new Error(`exports ${middlewares.length} middlewares (${middlewares.map((m) => m.type).join(', ')}); one plugin entry enables one`);
    if (providers.length > 1) throw new Error(`exports ${providers.length} providers (${providers.map((p) => p.name).join(', ')}); one plugin entry enables one`);
    if (middlewares.length === 0 && providers.length === 0) throw new Error('exports no plugin (expected a middleware or a provider)');
    if (this.named.has(name) || this.plugin(name) !== undefined) throw new Error(`plugin name "${name}" is registered twice`);
    if (providers.length === 1 && this.providers.has(name)) throw new Error(`provider "${name}" already exists (a first-party provider); choose another plugin name`);
    const record: { middleware?: string; provider?: string } = {};
    if (middlewares.length === 1) {
      this.plugins.set(name, middlewares[0]);
      record.middleware = name;
    }
    if (providers.length === 1) {
      this.providers.set(name, { ...providers[0], name });
      record.provider = name;
    }
    this.named.set(name, record);
  }

  /** Replaces what `name` registered (a local plugin rebuilt in watch mode). On error the previous one stays. */
  replaceNamed(name: string, plugin: Plugin | Plugin[]): void {
    const previous = this.named.get(name);
    const savedMw = previous?.middleware !== undefined ? this.plugins.get(name) : undefined;
    const savedProvider = previous?.provider !== undefined ? this.providers.get(name) : undefined;
    this.unregisterNamed(name);
    try {
      this.registerNamed(name, plugin);
    } catch (err) {
      if (savedMw) this.plugins.set(name, savedMw);
      if (savedProvider) this.providers.set(name, savedProvider);
      if (previous) this.named.set(name, previous);
      throw err;
    }
  }

  private unregisterNamed(name: string): void {
    const record = this.named.get(name);
    if (record?.middleware !== undefined) this.plugins.delete(name);
    if (record?.provider !== undefined) this.providers.delete(name);
    this.named.delete(name);
  }

  /** Middleware type lookup, case-insensitive like the rest of Traefik's keys. */
  middleware(type: string): MiddlewarePlugin | undefined {
    return lookup(this.middlewares, type);
  }

  /** Third-party middleware by its static name (`plugin.<name>` in dynamic configuration), case-insensitive. */
  plugin(name: string): MiddlewarePlugin | undefined {
    return lookup(this.plugins, name);
  }
}

function lookup<T>(map: Map<string, T>, key: string): T | undefined {
  const exact = map.get(key);
  if (exact) return exact;
  const lower = key.toLowerCase();
  for (const [name, p] of map) if (name.toLowerCase() === lower) return p;
  return undefined;
}
