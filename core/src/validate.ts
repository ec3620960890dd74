import { pino } from 'pino';
import { Portico } from './kernel.js';
import type { PluginRegistry } from './plugin/registry.js';
import type { ProviderSnapshot } from './plugin/types.js';
import type { ConfigIssue } from './config/issues.js';
import type { LoadedStaticConfig } from './config/static/load.js';

export interface ValidationReport {
  issues: ConfigIssue[];
  summary: { entryPoints: number; providers: string[]; routers: number; services: number; middlewares: number };
}

/**
 * `portico validate`: loads every configured provider once (no watching, no listening), builds the runtime on
 * the side exactly as a reload would, and reports every issue — static and dynamic — instead of the first.
 */
export async function validateConfiguration(loaded: LoadedStaticConfig, plugins: (r: PluginRegistry) => void, version: string): Promise<ValidationReport> {
  const issues: ConfigIssue[] = [...loaded.issues];
  let kernel: Portico;
  try {
    kernel = new Portico({ config: loaded.config, baseDir: loaded.baseDir, log: pino({ level: 'silent' }), version, plugins });
  } catch (err) {
    issues.push({ path: '', message: (err as Error).message, severity: 'error' });
    return { issues, summary: { entryPoints: Object.keys(loaded.config.entryPoints ?? {}).length, providers: [], routers: 0, services: 0, middlewares: 0 } };
  }
  const snapshots = new Map<string, ProviderSnapshot>();
  const providers: string[] = [];
  for (const [name, cfg] of Object.entries(loaded.config.providers ?? {})) {
    const plugin = kernel.registry.providers.get(name);
    if (plugin === undefined || cfg === undefined) continue;
    providers.push(name);
    if (plugin.load === undefined) {
      issues.push({ path: `providers.${name}`, message: `provider ${name} cannot be checked offline; its configuration is checked when it starts`, severity: 'warning' });
      continue;
    }
    try {
      snapshots.set(name, await plugin.load(cfg, { name, log: kernel.log, baseDir: loaded.baseDir }));
    } catch (err) {
      issues.push({ path: `providers.${name}`, message: (err as Error).message, severity: 'error' });
    }
  }
  const rt = await kernel.build(snapshots);
  issues.push(...rt.issues);
  await rt.cleanups.run(kernel.log);
  return {
    issues,
    summary: {
      entryPoints: Object.keys(loaded.config.entryPoints ?? {}).length,
      providers,
      routers: rt.model.routers.size,
      services: rt.model.services.size,
      middlewares: rt.model.middlewares.size,
    },
  };
}
