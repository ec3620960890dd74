import type { Static } from '@sinclair/typebox';
import { s } from '../../schema/types.js';

/**
 * Traefik v3 dynamic configuration (`http` section) as far as the kernel reads it. Middleware options are not
 * here: each middleware type's schema belongs to its plugin, looked up by the key under `middlewares.<name>`.
 */

export const routerTlsSchema = s.object(
  {
    options: s.optional(s.string({ description: 'Name of the TLS options to use.' })),
    certResolver: s.optional(s.string({ description: 'Certificate resolver used to obtain certificates.' })),
    domains: s.optional(
      s.array(s.object({ main: s.optional(s.string({ description: 'Main domain (certificate subject).' })), sans: s.optional(s.array(s.string(), { description: 'Subject alternative names.' })) }), {
        description: 'Domains to request certificates for.',
      }),
    ),
  },
  { description: 'TLS settings of the router (served by the TLS issue; accepted and reported until then).' },
);

export const routerSchema = s.object({
  entryPoints: s.optional(
    s.array(s.string(), { description: 'Entrypoints the router listens on (default: all entrypoints, or those with asDefault).' }),
  ),
  rule: s.string({ description: 'Matching rule, e.g. Host(`example.com`) && PathPrefix(`/api`).' }),
  ruleSyntax: s.optional(s.enumOf(['v3', 'v2'], { description: 'Rule syntax of this router (default: core.defaultRuleSyntax, v3).' })),
  priority: s.optional(s.integer({ description: 'Priority; default is the length of the rule.' })),
  middlewares: s.optional(s.array(s.string(), { description: 'Middlewares applied in order, by name (`name` or `name@provider`).' })),
  service: s.string({ description: 'Service that handles matched requests (`name` or `name@provider`).' }),
  tls: s.optional(routerTlsSchema),
  observability: s.optional(
    s.object({
      accessLogs: s.optional(s.boolean({ description: 'Whether the router produces access logs (default true).' })),
      metrics: s.optional(s.boolean({ description: 'Whether the router produces metrics (metrics are not implemented yet).' })),
      tracing: s.optional(s.boolean({ description: 'Whether the router produces traces (tracing is not implemented yet).' })),
      traceVerbosity: s.optional(s.enumOf(['minimal', 'detailed'], { description: 'Tracing verbosity (tracing is not implemented yet).' })),
    }, { description: 'Per-router observability switches.' }),
  ),
});
export type RouterConfig = Static<typeof routerSchema>;

export const serverSchema = s.object({
  url: s.string({ description: 'URL of the server, e.g. http://10.0.0.1:8080.' }),
  weight: s.optional(s.integer({ minimum: 0, description: 'Weight in weighted round robin (default 1).' })),
  preservePath: s.optional(s.boolean({ description: 'Keep the path of the server URL as a prefix of the request path.' })),
});

export const loadBalancerSchema = s.object({
  servers: s.array(serverSchema, { description: 'Servers to balance between.' }),
  passHostHeader: s.boolean({ default: true, description: 'Forward the client Host header to the server.' }),
  strategy: s.optional(s.enumOf(['wrr', 'p2c', 'hrw', 'leasttime'], { description: 'Load-balancing strategy (default wrr).' })),
  sticky: s.optional(s.unknown({ description: 'Sticky sessions (not implemented yet).' })),
  healthCheck: s.optional(s.unknown({ description: 'Active health check (not implemented yet).' })),
  passiveHealthCheck: s.optional(s.unknown({ description: 'Passive health check (not implemented yet).' })),
  responseForwarding: s.optional(
    s.object({ flushInterval: s.optional(s.duration({ description: 'Flush interval while copying the response body (Portico writes through at once; accepted for compatibility).' })) }, { description: 'How the response body is forwarded.' }),
  ),
  serversTransport: s.optional(s.string({ description: 'Name of the serversTransport to use.' })),
}, { description: 'Balances requests over servers (weighted round robin).' });
export type LoadBalancerConfig = Static<typeof loadBalancerSchema>;

export const serviceSchema = s.object({
  loadBalancer: s.optional(loadBalancerSchema),
  weighted: s.optional(s.unknown({ description: 'Weighted service (not supported yet: reported as an error).' })),
  mirroring: s.optional(s.unknown({ description: 'Mirroring service (not supported yet: reported as an error).' })),
  failover: s.optional(s.unknown({ description: 'Failover service (not supported yet: reported as an error).' })),
  highestRandomWeight: s.optional(s.unknown({ description: 'Highest-random-weight service (not supported yet: reported as an error).' })),
});
export type ServiceConfig = Static<typeof serviceSchema>;

export const serversTransportSchema = s.object({
  serverName: s.optional(s.string()),
  insecureSkipVerify: s.optional(s.boolean()),
  rootCAs: s.optional(s.array(s.string())),
  certificates: s.optional(s.unknown()),
  maxIdleConnsPerHost: s.optional(s.integer()),
  disableHTTP2: s.optional(s.boolean()),
  peerCertURI: s.optional(s.string()),
  spiffe: s.optional(s.unknown()),
  forwardingTimeouts: s.optional(
    s.object({
      dialTimeout: s.optional(s.duration()),
      responseHeaderTimeout: s.optional(s.duration()),
      idleConnTimeout: s.optional(s.duration()),
      readIdleTimeout: s.optional(s.duration()),
      pingTimeout: s.optional(s.duration()),
    }),
  ),
});
export type ServersTransportConfig = Static<typeof serversTransportSchema>;

/** Top-level sections a provider snapshot may hold; those the kernel does not serve yet are reported. */
export const KNOWN_SECTIONS = ['http', 'tcp', 'udp', 'tls'] as const;
export const HTTP_SECTIONS = ['routers', 'services', 'middlewares', 'serversTransports'] as const;
