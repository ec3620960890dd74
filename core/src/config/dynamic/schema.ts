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

/** Sticky-session cookie, shared by loadBalancer and weighted services. */
export const stickyCookieSchema = s.object(
  {
    name: s.optional(s.string({ description: 'Cookie name (characters outside RFC 2616 tokens become "_"); default: a short hash of the service name, as Traefik derives it.' })),
    secure: s.optional(s.boolean({ description: 'Set the Secure attribute (default false).' })),
    httpOnly: s.optional(s.boolean({ description: 'Set the HttpOnly attribute (default false).' })),
    sameSite: s.optional(s.enumOf(['none', 'lax', 'strict', ''], { description: 'SameSite attribute: none, lax or strict; empty or absent = attribute not set.' })),
    maxAge: s.optional(s.integer({ description: 'Max-Age in seconds: 0 or absent = session cookie (no Max-Age), negative = Max-Age=0 (delete now).' })),
    path: s.optional(s.string({ description: 'Path attribute (default /).' })),
    domain: s.optional(s.string({ description: 'Domain attribute (default none: host-only cookie).' })),
  },
  { description: 'The sticky cookie: its value names the chosen server (a hash of its URL).' },
);
export type StickyCookieConfig = Static<typeof stickyCookieSchema>;

export const stickySchema = s.object(
  { cookie: s.optional(stickyCookieSchema) },
  { description: 'Sticky sessions: a client keeps the server it was first sent to while that server is healthy.' },
);
export type StickyConfig = Static<typeof stickySchema>;

/** Active health check of every server of a loadBalancer. */
export const serverHealthCheckSchema = s.object(
  {
    path: s.optional(s.string({ description: 'Path (and query) requested on each server, resolved against the server URL, e.g. /health.' })),
    scheme: s.optional(s.string({ description: 'Replaces the server URL scheme for the check (http or https).' })),
    mode: s.optional(s.enumOf(['http', 'grpc'], { description: 'http (default) checks the status code; grpc (gRPC health protocol) is not supported yet (error).' })),
    method: s.optional(s.string({ description: 'HTTP method of the check (default GET).' })),
    status: s.optional(s.integer({ description: 'Expected status code; absent = any 2xx or 3xx is healthy.' })),
    port: s.optional(s.integer({ minimum: 0, maximum: 65535, description: 'Replaces the server URL port for the check.' })),
    interval: s.optional(s.duration({ description: 'Time between two checks of a healthy server (default 30s).' })),
    unhealthyInterval: s.optional(s.duration({ description: 'Time between two checks of an unhealthy server (default: interval).' })),
    timeout: s.optional(s.duration({ description: 'How long a check may take before the server counts as unhealthy (default 5s).' })),
    hostname: s.optional(s.string({ description: 'Host header of the check (default: the server URL host).' })),
    followRedirects: s.optional(s.boolean({ description: 'Follow redirects during the check (default true); when false a 3xx answer is judged as is.' })),
    headers: s.optional(s.record(s.string(), { description: 'Extra request headers sent with each check.' })),
  },
  { description: 'Active health check: a failing server is taken out of the rotation, without a reload, until a check succeeds again.' },
);
export type ServerHealthCheckConfig = Static<typeof serverHealthCheckSchema>;

export const passiveHealthCheckSchema = s.object(
  {
    failureWindow: s.optional(s.duration({ description: 'Window in which the failed attempts must occur; also how long the server stays out (default 10s).' })),
    maxFailedAttempts: s.optional(s.integer({ minimum: 1, description: 'Consecutive failed requests (connection error or 5xx) within the window that take the server out (default 1).' })),
  },
  { description: 'Passive health check: real requests that fail take their server out of the rotation for failureWindow.' },
);
export type PassiveHealthCheckConfig = Static<typeof passiveHealthCheckSchema>;

export const loadBalancerSchema = s.object({
  servers: s.array(serverSchema, { description: 'Servers to balance between.' }),
  passHostHeader: s.boolean({ default: true, description: 'Forward the client Host header to the server.' }),
  strategy: s.optional(
    s.enumOf(['wrr', 'p2c', 'hrw', 'leasttime'], {
      description: 'Load-balancing strategy: wrr (weighted round robin, default) or p2c (power of two random choices on in-flight requests; weights ignored). hrw and leasttime are not supported yet (error).',
    }),
  ),
  sticky: s.optional(stickySchema),
  healthCheck: s.optional(serverHealthCheckSchema),
  passiveHealthCheck: s.optional(passiveHealthCheckSchema),
  responseForwarding: s.optional(
    s.object({ flushInterval: s.optional(s.duration({ description: 'Flush interval while copying the response body (Portico writes through at once; accepted for compatibility).' })) }, { description: 'How the response body is forwarded.' }),
  ),
  serversTransport: s.optional(s.string({ description: 'Name of the serversTransport to use.' })),
}, { description: 'Balances requests over servers (weighted round robin).' });
export type LoadBalancerConfig = Static<typeof loadBalancerSchema>;

/** `healthCheck: {}` on weighted, mirroring and failover services: an empty object that switches health propagation on. */
export const serviceHealthCheckSchema = s.object({}, {
  description: 'Enables health propagation: the service follows the health of its child services (which must be health-checked) and reports its own upwards.',
});

export const weightedSchema = s.object({
  services: s.array(
    s.object({
      name: s.string({ description: 'Child service (`name` or `name@provider`).' }),
      weight: s.optional(s.integer({ minimum: 0, description: 'Weight of this child in weighted round robin (default 1; 0 takes it out of rotation).' })),
    }),
    { description: 'Child services to balance between.' },
  ),
  // The shared sticky cookie keys, described for child services rather than servers.
  sticky: s.optional(
    s.object(
      { cookie: s.optional(s.object(stickyCookieSchema.properties, { description: 'The sticky cookie: its value names the chosen child service (a hash of its name as configured).' })) },
      { description: 'Sticky sessions: a client keeps the child service it was first sent to while that service is available.' },
    ),
  ),
  healthCheck: s.optional(serviceHealthCheckSchema),
}, { description: 'Balances requests over other services by weight (weighted round robin), e.g. for canary releases.' });
export type WeightedConfig = Static<typeof weightedSchema>;

export const mirroringSchema = s.object({
  service: s.string({ description: 'Main service: its response is the one the client gets (`name` or `name@provider`).' }),
  mirrorBody: s.boolean({ default: true, description: 'Whether mirrors receive the request body (buffered up to maxBodySize).' }),
  maxBodySize: s.integer({ default: -1, description: 'Largest request body, in bytes, buffered for mirroring; a larger request is served but not mirrored (-1: no limit).' }),
  mirrors: s.optional(
    s.array(
      s.object({
        name: s.string({ description: 'Mirror service (`name` or `name@provider`).' }),
        percent: s.optional(s.integer({ minimum: 0, maximum: 100, description: 'Share of requests copied to this mirror, 0–100 (default 0).' })),
      }),
      { description: 'Services that receive a copy of the requests; their responses are discarded.' },
    ),
  ),
  healthCheck: s.optional(serviceHealthCheckSchema),
}, { description: 'Sends requests to a main service and copies a share of them to mirror services, whose answers are discarded.' });
export type MirroringConfig = Static<typeof mirroringSchema>;

export const failoverSchema = s.object({
  service: s.string({ description: 'Main service (must be health-checked): used while it is healthy (`name` or `name@provider`).' }),
  fallback: s.string({ description: 'Service used while the main service is unhealthy (`name` or `name@provider`).' }),
  healthCheck: s.optional(serviceHealthCheckSchema),
}, { description: 'Sends requests to the main service, or to the fallback while the main service is unhealthy.' });
export type FailoverConfig = Static<typeof failoverSchema>;

export const serviceSchema = s.object({
  loadBalancer: s.optional(loadBalancerSchema),
  weighted: s.optional(weightedSchema),
  mirroring: s.optional(mirroringSchema),
  failover: s.optional(failoverSchema),
  highestRandomWeight: s.optional(s.unknown({ description: 'Highest-random-weight service (not supported by Portico: reported as an error).' })),
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
