import type { DecodeIssue } from '../../schema/decode.js';

/**
 * Traefik v3 static options Portico does not implement yet. A Traefik user pointing Portico at an existing
 * file must learn that an option is ignored — so these are errors, never silently accepted, with a message
 * that tells them apart from typos. `*` stands for a user-chosen name (an entry point name).
 * Remove a line when the option is implemented (and add it to the schema).
 */
const UNSUPPORTED: ReadonlyArray<{ path: string; note?: string; message?: string }> = [
  // Before `experimental`: these two get their own explanation, and the rest of the section stays unsupported.
  { path: 'experimental.plugins', message: goPluginMessage('plugins') },
  { path: 'experimental.localPlugins', message: goPluginMessage('localPlugins') },
  { path: 'metrics', note: 'metrics are planned as an observer plugin' },
  { path: 'tracing', note: 'tracing is planned as an observer plugin' },
  { path: 'certificatesResolvers', note: 'ACME is planned as a certificate resolver plugin' },
  { path: 'experimental' },
  { path: 'hub' },
  { path: 'pilot' },
  { path: 'hostResolver' },
  { path: 'tcpServersTransport' },
  { path: 'spiffe' },
  { path: 'ocsp' },
  { path: 'entryPoints.*.http.tls' },
  { path: 'entryPoints.*.http.encodedCharacters' },
  { path: 'entryPoints.*.http.underscoreHeadersStrategy' },
  { path: 'entryPoints.*.http2' },
  { path: 'entryPoints.*.http3' },
  { path: 'entryPoints.*.udp' },
  { path: 'entryPoints.*.proxyProtocol' },
  { path: 'entryPoints.*.observability' },
  { path: 'entryPoints.*.reusePort' },
  { path: 'entryPoints.*.allowACMEByPass' },
  { path: 'log.compress' },
  { path: 'log.maxAge' },
  { path: 'log.maxBackups' },
  { path: 'log.maxSize' },
  { path: 'log.otlp' },
  { path: 'accessLog.dualOutput' },
  { path: 'accessLog.otlp' },
  { path: 'accessLog.fields.queryParameters' },
  { path: 'api.dashboardName' },
  { path: 'serversTransport.spiffe' },
  { path: 'global.notAppendXForwardedFor', note: 'use entryPoints.<name>.forwardedHeaders.notAppendXForwardedFor' },
  { path: 'providers.plugin' },
];

/** Traefik's providers; one is usable only when a provider plugin of that name is registered. */
const TRAEFIK_PROVIDERS = [
  'docker', 'swarm', 'file', 'kubernetesIngress', 'kubernetesIngressNGINX', 'kubernetesCRD', 'kubernetesGateway',
  'knative', 'rest', 'consulCatalog', 'nomad', 'ecs', 'consul', 'etcd', 'zooKeeper', 'redis', 'http',
];

/** Traefik's Go plugins run in Yaegi, a Go interpreter; Portico cannot run them, and has its own plugin section. */
function goPluginMessage(key: string): string {
  return (
    `Traefik's Go plugins (experimental.${key}, run by the Yaegi interpreter) cannot run in Portico; ` +
    'enable a Portico plugin instead under plugins.<name> (package: an npm package with version, path: a local TypeScript file, ' +
    'or wasm: a WebAssembly module), and keep using it in dynamic configuration as http.middlewares.<x>.plugin.<name>'
  );
}

/** Top-level keys of the table, for callers that must recognise Traefik's roots (environment variables). */
export const UNSUPPORTED_ROOTS: readonly string[] = UNSUPPORTED.filter((u) => !u.path.includes('.')).map((u) => u.path);

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Removes the unsupported options from a raw (merged, not yet decoded) configuration tree and reports each one,
 * so the decoder does not report them again as unknown keys. Keys match case-insensitively, like the decoder.
 */
export function removeUnsupported(tree: Record<string, unknown>, providerPlugins: readonly string[]): DecodeIssue[] {
  const issues: DecodeIssue[] = [];
  const entries = [
    ...UNSUPPORTED,
    ...TRAEFIK_PROVIDERS.filter((p) => !providerPlugins.some((n) => n.toLowerCase() === p.toLowerCase())).map((p) => ({
      path: `providers.${p}`,
      note: `no provider plugin named "${p}" is installed`,
    })),
  ];
  for (const { path, note, message } of entries as ReadonlyArray<{ path: string; note?: string; message?: string }>) {
    const segments = path.split('.');
    visit(tree, segments, '', (parent, key, keyPath) => {
      const value = parent[key];
      delete parent[key];
      // A section emptied by the entries before it (experimental with only plugins) was already reported.
      if (isMap(value) && Object.keys(value).length === 0 && segments.length === 1 && path === 'experimental') return;
      issues.push({ path: keyPath, message: message ?? `not supported yet by Portico${note ? ` (${note})` : ''}` });
    });
  }
  return issues;
}

function visit(
  node: Record<string, unknown>,
  segments: string[],
  prefix: string,
  found: (parent: Record<string, unknown>, key: string, path: string) => void,
): void {
  const [first, ...rest] = segments;
  for (const key of Object.keys(node)) {
    if (first !== '*' && key.toLowerCase() !== first.toLowerCase()) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (rest.length === 0) found(node, key, path);
    else if (isMap(node[key])) visit(node[key] as Record<string, unknown>, rest, path, found);
  }
}
