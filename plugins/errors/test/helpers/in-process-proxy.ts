/**
 * The real kernel in this process, for end-to-end tests of a plugin over sockets: a static configuration with
 * one entrypoint on 127.0.0.1:0, a provider that serves `dynamic` as is, and the plugins under test. Requests
 * go through the entrypoint, the router, the middlewares and the load balancer's undici relay, as in `portico`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Portico, loadStaticConfig, createLogger } from '@portico/core';
import type { Plugin, ProviderPlugin, Runtime } from '@portico/core';
import { s } from '@portico/sdk';

export interface InProcessProxy {
  /** http://127.0.0.1:<port> of the `web` entrypoint. */
  url: string;
  runtime(): Runtime;
  stop(): Promise<void>;
}

export async function startProxy(plugins: readonly Plugin[], dynamic: Record<string, unknown>): Promise<InProcessProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-e2e-'));
  const file = join(dir, 'portico.yml');
  await writeFile(file, JSON.stringify({ entryPoints: { web: { address: '127.0.0.1:0' } }, providers: { inline: {}, providersThrottleDuration: 0 } }));
  const inline: ProviderPlugin = {
    kind: 'provider',
    name: 'inline',
    schema: s.object({}),
    start: (_cfg, ctx) => ctx.push({ config: dynamic, source: 'inline' }),
  };
  const loaded = loadStaticConfig({ argv: [`--configFile=${file}`], env: {}, cwd: dir }, { inline: inline.schema });
  const errors = loaded.issues.filter((i) => i.severity !== 'warning');
  if (errors.length > 0) throw new Error(`static configuration: ${JSON.stringify(errors)}`);
  const kernel = new Portico({
    config: loaded.config,
    baseDir: dir,
    log: createLogger({ level: 'FATAL' }),
    version: '0.0.0-test',
    plugins: (r) => r.register([...plugins, inline]),
  });
  await kernel.start();
  await kernel.settled();
  const address = kernel.listening.get('web')!;
  return {
    url: `http://${address.replace(/^.*?(\d+\.\d+\.\d+\.\d+:\d+)$/, '$1')}`,
    runtime: () => kernel.current!,
    async stop() {
      await kernel.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
