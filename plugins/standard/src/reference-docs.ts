import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStaticSchema, optionsTable, PluginRegistry } from '@portico/core';
import { routerSchema, serviceSchema } from '@portico/core/dynamic-schema';
import { standardPlugins } from './index.js';

const HEADER = '<!-- Generated from the configuration schemas by `pnpm docs`; edit the schemas, not this file. -->\n\n';

/** Every reference page, generated from the same schemas the decoder enforces: file name → Markdown. */
export function renderReference(): Map<string, string> {
  const registry = new PluginRegistry();
  registry.register(standardPlugins);
  const pages = new Map<string, string>();
  const providerSchemas = Object.fromEntries([...registry.providers].map(([n, p]) => [n, p.schema]));
  pages.set(
    'static.md',
    `${HEADER}# Static configuration reference\n\nKeys are Traefik v3's. In a file they nest (YAML/TOML); as flags they are dotted ` +
      '(`--entryPoints.web.address=:80`); as environment variables upper-case with `_` (`PORTICO_ENTRYPOINTS_WEB_ADDRESS=:80`). ' +
      'Durations take Go syntax (`10s`, `250ms`, `1h30m`) or a number of seconds.\n\n' +
      optionsTable(buildStaticSchema(providerSchemas)) + '\n',
  );
  pages.set(
    'dynamic-http.md',
    `${HEADER}# Dynamic configuration reference: HTTP routers and services\n\n## Routers\n\n` +
      optionsTable(routerSchema, 'http.routers.<name>') +
      '\n\n## Services\n\nExactly one kind per service. Only `loadBalancer` is served today; the other kinds are reported as errors.\n\n' +
      optionsTable(serviceSchema, 'http.services.<name>') + '\n',
  );
  for (const [type, plugin] of [...registry.middlewares].sort(([a], [b]) => a.localeCompare(b))) {
    pages.set(
      `middlewares/${type}.md`,
      `${HEADER}# Middleware \`${type}\`\n\n${plugin.description ?? ''}\n\n` +
        '```yaml\nhttp:\n  middlewares:\n    my-' + type.toLowerCase() + ':\n      ' + type + ':\n        # options below\n```\n\n' +
        optionsTable(plugin.schema, `${type}`) + '\n',
    );
  }
  for (const [name, plugin] of registry.providers) {
    pages.set(`providers/${name}.md`, `${HEADER}# Provider \`${name}\`\n\n${plugin.description ?? ''}\n\n` + optionsTable(plugin.schema, `providers.${name}`) + '\n');
  }
  return pages;
}

/** `node dist/reference-docs.js [dir]`: writes the pages (default: the repository's docs/reference). */
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? join(fileURLToPath(new URL('../../..', import.meta.url)), 'docs', 'reference'));
  for (const [file, content] of renderReference()) {
    const path = join(dir, file);
    mkdirSync(join(path, '..'), { recursive: true });
    let old = '';
    try {
      old = readFileSync(path, 'utf8');
    } catch {
      /* new page */
    }
    if (old !== content) writeFileSync(path, content);
  }
  console.log(`reference docs written to ${dir}`);
}
