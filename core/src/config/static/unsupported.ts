import type { DecodeIssue } from '../../schema/decode.js';

/**
 * Traefik v3 static options Portico does not implement yet. A Traefik user pointing Portico at an existing
 * file must learn that an option is ignored — so these are errors, never silently accepted, with a message
 * that tells them apart from typos. `*` stands for a user-chosen name (an entry point name).
 * Remove a line when the option is implemented (and add it to the schema).
 */
const UNSUPPORTED: ReadonlyArray<{ path: string; note?: string }> = [
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
  for (const { path, note } of entries) {
    const segments = path.split('.');
    visit(tree, segments, '', (parent, key, keyPath) => {
      delete parent[key];
      issues.push({ path: keyPath, message: `not supported yet by Portico${note ? ` (${note})` : ''}` });
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
