import type { MiddlewarePlugin, Plugin, ProviderPlugin } from './types.js';

/**
 * The plugins known to this process, by the names configuration uses. First-party and third-party plugins are
 * registered the same way (the `registerPlugins` hook); the kernel never imports a plugin itself.
 */
export class PluginRegistry {
  readonly middlewares = new Map<string, MiddlewarePlugin>();
  readonly providers = new Map<string, ProviderPlugin>();

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

  /** Middleware type lookup, case-insensitive like the rest of Traefik's keys. */
  middleware(type: string): MiddlewarePlugin | undefined {
    const exact = this.middlewares.get(type);
    if (exact) return exact;
    const lower = type.toLowerCase();
    for (const [name, p] of this.middlewares) if (name.toLowerCase() === lower) return p;
    return undefined;
  }
}
