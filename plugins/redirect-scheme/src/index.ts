import { ConfigError, defineMiddleware, s } from '@portico/sdk';
import type { Exchange, Handler, MiddlewareFactory } from '@portico/sdk';
import { compileGoReplacer } from '@portico/sdk';
import { goURLString, headerSafe } from '@portico/sdk';
import { redirectStatus, requestUrlParts, sendRedirect, sendUnparsable } from '@portico/sdk';

/**
 * redirectScheme (Traefik pkg/middlewares/redirect): redirects to `scheme` (and `port`) when the request URL
 * differs from the target. The request's scheme is http, https over TLS, or what X-Forwarded-Proto says
 * (ws/wss count as http/https); its default port (:80 / :443) is dropped before comparing.
 */
const schema = s.object({
  scheme: s.optional(s.string({ default: '', description: 'Scheme of the redirect target, e.g. https (required).' })),
  port: s.optional(s.string({ default: '', description: 'Port of the redirect target; empty keeps no port (the default port of the scheme).' })),
  permanent: s.optional(s.boolean({ default: false, description: 'Send a permanent redirect (301, or 308 for methods other than GET) instead of 302/307.' })),
});

export interface RedirectSchemeOptions {
  scheme: string;
  port?: string;
  permanent?: boolean;
  /**
   * Always 308 (Traefik's ForcePermanentRedirect, `yaml:"-"`: not a configuration option, set by providers
   * such as the ingress-nginx SSL redirect).
   */
  forcePermanentRedirect?: boolean;
}

/** Traefik's uriPattern (rewrite side). */
const URI_PATTERN = '^(https?:\\/\\/)?(\\[[\\w:.]+\\]|[\\w\\._-]+)?(:\\d+)?(.*)$';

/** `net.SplitHostPort` on the Host header: [host, ':port'], or [Host, ''] when it has no valid port part. */
function splitHost(hostHeader: string): [string, string] {
  let host: string;
  let port: string;
  if (hostHeader.startsWith('[')) {
    const close = hostHeader.indexOf(']');
    if (close === -1 || hostHeader[close + 1] !== ':') return [hostHeader, ''];
    host = hostHeader.slice(1, close);
    port = hostHeader.slice(close + 2);
  } else {
    const colon = hostHeader.lastIndexOf(':');
    if (colon === -1 || hostHeader.indexOf(':') !== colon) return [hostHeader, ''];
    host = hostHeader.slice(0, colon);
    port = hostHeader.slice(colon + 1);
  }
  // Go drops the brackets; they are put back so an IPv6 host stays a valid URL authority (Traefik would
  // build "https://::1/" here, which no client can follow).
  return [host.includes(':') ? `[${host}]` : host, `:${port}`];
}

function firstValue(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** Traefik's clientRequestURL: the URL the client used, as far as this hop can tell. */
export function clientRequestURL(ex: Exchange): string {
  const [hostOnly, hostPort] = splitHost(ex.host);
  let { scheme, host, port, uri } = requestUrlParts(ex, hostOnly, hostPort);
  const proto = firstValue(ex.headers['x-forwarded-proto']).toLowerCase();
  // A previous hop may say ws/wss for an upgrade request; only http/https make sense here. Other values are ignored.
  if (proto === 'http' || proto === 'ws') scheme = 'http';
  else if (proto === 'https' || proto === 'wss') scheme = 'https';
  if ((scheme === 'http' && port === ':80') || (scheme === 'https' && port === ':443')) port = '';
  return `${scheme}://${host}${port}${uri}`;
}

/** Builds the middleware from options (also for kernel-made redirections that force 308). */
export function redirectSchemeHandler(options: RedirectSchemeOptions): MiddlewareFactory {
  const { scheme, port = '', permanent = false, forcePermanentRedirect = false } = options;
  if (scheme === '') throw new ConfigError('you must provide a target scheme', 'scheme');
  const defaultPort = (scheme === 'http' && port === '80') || (scheme === 'https' && port === '443');
  const portPart = port !== '' && !defaultPort ? `:${port}` : '';
  const rewrite = compileGoReplacer(URI_PATTERN, `${scheme}://\${2}${portPart}\${4}`);

  return (next: Handler): Handler =>
    (ex) => {
      const oldURL = clientRequestURL(ex);
      if (!rewrite.test(oldURL)) return next(ex);
      const newURL = rewrite.replaceAll(oldURL);
      const location = goURLString(newURL);
      if (location === null) return sendUnparsable(ex);
      if (newURL === oldURL) return next(ex);
      return sendRedirect(ex, headerSafe(location), redirectStatus(ex.method, permanent, forcePermanentRedirect));
    };
}

export const redirectScheme = defineMiddleware({
  type: 'redirectScheme',
  description: 'Redirects the client to another scheme and/or port.',
  schema,

  validate(config) {
    if ((config.scheme ?? '') === '') throw new ConfigError('you must provide a target scheme', 'scheme');
  },

  build(config) {
    return redirectSchemeHandler({ scheme: config.scheme ?? '', port: config.port, permanent: config.permanent });
  },
});

export default [redirectScheme];
