import { s } from '../../schema/types.js';
import { listenAddressProblem } from './address.js';

/**
 * Schema of one entry point (`entryPoints.<name>`), Traefik v3 key names and defaults
 * (pkg/config/static/entrypoints.go: SetDefaults of EntryPoint, RespondingTimeouts, LifeCycle, HTTPConfig,
 * RedirectEntryPoint).
 */

/** A list of IP addresses or CIDR ranges; flags and environment variables give it comma-separated. */
const ipList = (description: string) => s.array(s.string(), { description, default: [] });

const forwardedHeaders = s.object(
  {
    trustedIPs: ipList('IPs or CIDR ranges whose X-Forwarded-* headers are trusted; other clients\' headers are replaced.'),
    insecure: s.boolean({ description: 'Trust X-Forwarded-* headers from every client.', default: false }),
    connection: s.array(s.string(), {
      description: 'Headers named in the Connection header that may pass through the middleware chain before being removed.',
      default: [],
    }),
    addXForwardedSchemeHeaders: s.boolean({
      description: 'Also set X-Forwarded-Scheme and X-Scheme to the X-Forwarded-Proto value.',
      default: false,
    }),
    notAppendXForwardedFor: s.boolean({
      description: 'Do not append the client address to the X-Forwarded-For header sent upstream.',
      default: false,
    }),
  },
  { description: 'Which clients may set X-Forwarded-* headers.', default: {} },
);

const respondingTimeouts = s.object(
  {
    readTimeout: s.duration({ description: 'Longest time to read a whole request, body included. 0 means no limit.', default: '60s' }),
    writeTimeout: s.duration({ description: 'Longest time to write a response. 0 means no limit.', default: '0s' }),
    idleTimeout: s.duration({ description: 'Longest time an idle keep-alive connection stays open. 0 means no limit.', default: '180s' }),
  },
  { description: 'Timeouts for requests received on this entry point.', default: {} },
);

const lifeCycle = s.object(
  {
    requestAcceptGraceTimeout: s.duration({
      description: 'How long to keep accepting requests after a stop signal, before the graceful shutdown starts.',
      default: '0s',
    }),
    graceTimeOut: s.duration({ description: 'How long active requests may run during the graceful shutdown.', default: '10s' }),
  },
  { description: 'Timeouts of the shutdown sequence.', default: {} },
);

const transport = s.object(
  {
    respondingTimeouts,
    lifeCycle,
    keepAliveMaxRequests: s.integer({
      description: 'Close a keep-alive connection after this many requests. 0 means no limit.',
      default: 0,
      minimum: 0,
    }),
    keepAliveMaxTime: s.duration({ description: 'Close a keep-alive connection after this long. 0 means no limit.', default: '0s' }),
  },
  { description: 'How clients\' connections are handled.', default: {} },
);

/**
 * Traefik's default is math.MaxInt-1 so the generated redirect router wins over every other router. JavaScript
 * numbers are exact only up to 2^53-1, so Portico uses the highest exact integer below that.
 */
export const REDIRECT_ROUTER_PRIORITY = Number.MAX_SAFE_INTEGER - 1;

const redirections = s.object(
  {
    entryPoint: s.optional(
      s.object(
        {
          to: s.string({ description: 'Entry point name (or ":port") to redirect to.' }),
          scheme: s.string({ description: 'Scheme of the redirection target.', default: 'https' }),
          permanent: s.boolean({ description: 'Answer with a permanent redirection (301/308) instead of a temporary one (302/307).', default: true }),
          priority: s.integer({
            description: 'Priority of the generated redirect router (default: the highest, so it wins).',
            default: REDIRECT_ROUTER_PRIORITY,
          }),
        },
        { description: 'Redirect every request of this entry point to another entry point.' },
      ),
    ),
  },
  { description: 'Redirections applied to every request of this entry point.' },
);

const http = s.object(
  {
    redirections: s.optional(redirections),
    middlewares: s.array(s.string(), {
      description: 'Middlewares (`name@provider`) prepended to the routers attached to this entry point.',
      default: [],
    }),
    sanitizePath: s.boolean({ description: 'Clean request paths (/./, /../, repeated slashes) before routing.', default: true }),
    encodeQuerySemicolons: s.boolean({ description: 'Percent-encode semicolons in query strings instead of treating them as separators.', default: false }),
    maxHeaderBytes: s.integer({ description: 'Largest accepted size of request headers, in bytes.', default: 1048576, minimum: 1 }),
  },
  { description: 'HTTP options of this entry point.', default: {} },
);

export const entryPointSchema = s.object(
  {
    address: s.string({
      description: 'Where to listen: [host]:port[/tcp|/udp], e.g. ":80", "127.0.0.1:8080", "[::1]:443", ":53/udp" (TCP when no protocol is given).',
      'x-check': listenAddressProblem,
    }),
    asDefault: s.boolean({
      description: 'Attach routers that name no entry point to this one (when no entry point sets it, routers use them all).',
      default: false,
    }),
    forwardedHeaders,
    transport,
    http,
  },
  { description: 'An entry point: a listening address and how its connections are handled.' },
);
