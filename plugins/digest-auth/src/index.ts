import { ConfigError, collectUserLines, defineMiddleware, s } from '@portico/sdk';
import type { Exchange, Handler, Static } from '@portico/sdk';
import { checkDigest } from './check-digest.js';
import { digestAuthParams } from './digest-params.js';
import { parseDigestLine } from './htdigest.js';
import { NonceStore } from './nonce-store.js';

/**
 * digestAuth (Traefik pkg/middlewares/auth/digest_auth.go over go-http-auth): HTTP digest authentication
 * (RFC 2617, MD5, qop=auth) against htdigest users `user:realm:HA1`. A request without valid credentials gets
 * a 401 challenge with a fresh nonce; credentials on a nonce the server no longer knows get the challenge with
 * `stale=true`. Success forwards the request, optionally naming the user in a header and dropping Authorization.
 */
const schema = s.object({
  users: s.optional(
    s.array(s.string(), { default: [], description: 'Authorized users as htdigest lines `name:realm:HA1` (HA1 = MD5 of name:realm:password).' }),
  ),
  usersFile: s.optional(
    s.string({
      default: '',
      description: 'Path of an htdigest file (one `name:realm:HA1` per line, `#` comments). Merged with `users`; `users` wins for an entry in both.',
    }),
  ),
  realm: s.optional(s.string({ default: 'traefik', description: 'Realm of the challenge; only entries of this realm can authenticate.' })),
  removeHeader: s.optional(s.boolean({ default: false, description: 'Remove the Authorization header before forwarding the request.' })),
  headerField: s.optional(
    s.string({ default: '', description: 'Request header that receives the authenticated user name (e.g. X-WebAuth-User).' }),
  ),
});

interface Prepared {
  /** HA1 by `user:realm`. */
  secrets: Map<string, string>;
  realm: string;
  removeHeader: boolean;
  headerField: string;
}

/** go-http-auth's NormalHeaders.UnauthResponse. */
const UNAUTHORIZED_BODY = Buffer.from('401 Unauthorized\n');

export const digestAuth = defineMiddleware<typeof schema, Prepared>({
  type: 'digestAuth',
  description: 'HTTP digest authentication (RFC 2617, MD5, qop=auth) against htdigest users.',
  schema,

  async provision(config: Static<typeof schema>): Promise<Prepared> {
    const lines = await collectUserLines(config);
    const secrets = new Map<string, string>();
    for (const { line, path, where } of lines) {
      const entry = parseDigestLine(line);
      // The line holds a password digest: the message says what is wrong without quoting it.
      if (entry === null) throw new ConfigError(`${where}: expected "name:realm:hash" with exactly two ":"`, path);
      secrets.set(entry.key, entry.ha1);
    }
    return {
      secrets,
      realm: config.realm === undefined || config.realm === '' ? 'traefik' : config.realm,
      removeHeader: config.removeHeader ?? false,
      headerField: config.headerField ?? '',
    };
  },

  build(prepared, ctx) {
    const { secrets, realm, removeHeader } = prepared;
    if (![...secrets.keys()].some((key) => key.endsWith(`:${realm}`))) {
      ctx.log.warn(`digestAuth ${ctx.element}: no user of realm ${JSON.stringify(realm)}; nobody can authenticate`);
    }
    // Nonces survive reloads of this element, so clients keep their sessions (Traefik starts afresh instead).
    const nonces = ctx.state('digestAuth.nonces', () => new NonceStore());
    const headerField = prepared.headerField.toLowerCase();
    const secret = (user: string) => secrets.get(`${user}:${realm}`);

    const challenge = (ex: Exchange, stale: boolean): void => {
      const nonce = nonces.issue();
      const value = `Digest realm="${realm}", nonce="${nonce}", opaque="${nonces.opaque}", algorithm="MD5", qop="auth"${stale ? ', stale=true' : ''}`;
      ex.respond(401, UNAUTHORIZED_BODY, { 'content-type': 'text/plain', 'www-authenticate': value });
    };

    return (next: Handler): Handler =>
      (ex) => {
        const header = ex.headers.authorization;
        const params = digestAuthParams(header);
        if (params === null) return challenge(ex, false);
        const outcome = checkDigest(params, { method: ex.method, requestUri: ex.pathAndQuery, path: ex.path }, secret, nonces);
        if (!outcome.ok) {
          // Traefik logs the claimed name of a failed attempt (access log ClientUsername).
          const claimed = params.get('username');
          if (claimed !== undefined && claimed !== '') ex.user = claimed;
          return challenge(ex, outcome.stale);
        }
        ex.user = outcome.user;
        if (headerField !== '') ex.headers[headerField] = outcome.user;
        if (removeHeader) delete ex.headers.authorization;
        return next(ex);
      };
  },
});

export default [digestAuth];
