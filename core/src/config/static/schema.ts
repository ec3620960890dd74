import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { s } from '../../schema/types.js';
import { entryPointSchema } from './entrypoint-schema.js';
import { accessLogSchema, logSchema } from './log-schema.js';
import { pluginHostSchema, pluginsSchema } from './plugins-schema.js';

/**
 * The static configuration: Traefik v3's key names and defaults (pkg/config/static/static_config.go and
 * cmd/traefik's NewTraefikConfiguration), so existing Traefik files, flags and environment variables work.
 * Every option carries a description and a default: they feed `portico --help` and the reference docs.
 * Options Traefik has and Portico does not implement yet are rejected by unsupported.ts, not listed here.
 * Each provider's section comes from its plugin's schema, supplied at run time.
 */

const globalSchema = s.object(
  {
    checkNewVersion: s.boolean({ description: 'Accepted for Traefik compatibility; Portico never checks for new versions (no-op).', default: true }),
    sendAnonymousUsage: s.boolean({ description: 'Accepted for Traefik compatibility; Portico sends no usage statistics (no-op).', default: false }),
  },
  { description: 'Traefik\'s global options, accepted and ignored.', default: {} },
);

const serversTransportSchema = s.object(
  {
    insecureSkipVerify: s.boolean({ description: 'Do not verify the TLS certificates of backend servers.', default: false }),
    rootCAs: s.array(s.string({ 'x-path': 'file-or-content' }), {
      description: 'Extra CA certificates trusted for backend servers: PEM file paths or PEM contents.',
      default: [],
    }),
    maxIdleConnsPerHost: s.integer({ description: 'Most idle keep-alive connections kept per backend server. Accepted for compatibility; undici\'s pools keep idle connections until idleConnTimeout without a separate cap.', default: 200 }),
    forwardingTimeouts: s.object(
      {
        dialTimeout: s.duration({ description: 'Longest time to open a connection to a backend server. 0 means no limit.', default: '30s' }),
        responseHeaderTimeout: s.duration({
          description: 'Longest wait for a backend\'s response headers once the request is sent. 0 means no limit.',
          default: '0s',
        }),
        idleConnTimeout: s.duration({ description: 'How long an idle keep-alive connection to a backend stays open.', default: '90s' }),
      },
      { description: 'Timeouts of requests forwarded to backend servers.', default: {} },
    ),
  },
  { description: 'Default transport to backend servers (used when a service names no serversTransport).', default: {} },
);

const providersBaseProps = {
  providersThrottleDuration: s.duration({
    description: 'Least time between two configuration reloads: changes arriving closer together are applied once.',
    default: '2s',
  }),
  precedence: s.array(s.string(), {
    description: 'Provider names, first wins: breaks ties between routers of equal priority from different providers.',
    default: [],
  }),
};

const apiSchema = s.object(
  {
    insecure: s.boolean({ description: 'Serve the API and dashboard on the entry point named "traefik" (created on :8080 if absent).', default: false }),
    dashboard: s.boolean({ description: 'Serve the dashboard.', default: true }),
    debug: s.boolean({ description: 'Serve the debugging endpoints.', default: false }),
    basePath: s.string({ description: 'Path prefix of the API and dashboard (absolute).', default: '/' }),
    disableDashboardAd: s.boolean({ description: 'Accepted for Traefik compatibility; Portico\'s dashboard shows no ads (no-op).', default: false }),
  },
  { description: 'The API and dashboard. Off unless this section is present.' },
);

const pingSchema = s.object(
  {
    entryPoint: s.string({ description: 'Entry point that answers /ping.', default: 'traefik' }),
    manualRouting: s.boolean({ description: 'Do not create the /ping router; route to ping@internal yourself.', default: false }),
    terminatingStatusCode: s.integer({ description: 'Status /ping answers while Portico shuts down.', default: 503, minimum: 100, maximum: 599 }),
  },
  { description: 'Health check endpoint /ping. Off unless this section is present.' },
);

const coreSchema = s.object(
  {
    defaultRuleSyntax: s.enumOf(['v3', 'v2'], { description: 'Rule syntax of routers that set no ruleSyntax (v2 is deprecated).', default: 'v3' }),
  },
  { description: 'Core behaviour.', default: {} },
);

function rootSchema(providers: ReturnType<typeof providersSchema>) {
  return s.object(
    {
      global: globalSchema,
      serversTransport: serversTransportSchema,
      entryPoints: s.record(entryPointSchema, {
        description: 'Entry points by name. With none, an entry point "http" on :80 is created.',
        default: {},
      }),
      providers,
      api: s.optional(apiSchema),
      ping: s.optional(pingSchema),
      log: logSchema,
      accessLog: s.optional(accessLogSchema),
      core: coreSchema,
      plugins: pluginsSchema,
      pluginHost: pluginHostSchema,
    },
    { description: 'Portico static configuration.' },
  );
}

function providersSchema() {
  return s.object(providersBaseProps, { description: 'Sources of dynamic configuration, one section per provider plugin.', default: {} });
}

/** Static type of the schema without provider plugins (used for the StaticConfig type). */
const staticSchemaShape = rootSchema(providersSchema());
type StaticShape = Static<typeof staticSchemaShape>;

/** The decoded static configuration. Provider sections are typed by their plugins, so `unknown` here. */
export type StaticConfig = Omit<StaticShape, 'providers'> & {
  providers: StaticShape['providers'] & Record<string, unknown>;
};
export type EntryPointConfig = Static<typeof entryPointSchema>;

/**
 * Builds the static schema with one optional `providers.<name>` section per provider plugin. A plugin's own
 * default is dropped: a provider runs only when its section is present (`providers: {file: {...}}`, `--providers.file`).
 */
export function buildStaticSchema(providerSchemas: Record<string, TSchema>): typeof staticSchemaShape {
  const plugins: Record<string, TSchema> = {};
  for (const [name, schema] of Object.entries(providerSchemas)) {
    if (name in providersBaseProps) throw new Error(`a provider plugin cannot be named "${name}": it is a providers option`);
    const { default: _ignored, ...withoutDefault } = schema;
    plugins[name] = Type.Optional(withoutDefault as TSchema);
  }
  const providers = Type.Object({ ...providersBaseProps, ...plugins }, {
    description: 'Sources of dynamic configuration, one section per provider plugin.',
    default: {},
  }) as unknown as ReturnType<typeof providersSchema>;
  return rootSchema(providers);
}

export type StaticSchema = ReturnType<typeof buildStaticSchema>;
