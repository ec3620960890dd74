import { ConfigError, collectUserLines, defineMiddleware, s } from '@portico/sdk';
import type { Exchange, Handler, Static, UserLine } from '@portico/sdk';
import { parseBasicAuth } from './basic-credentials.js';
import { compileCheck, parseUserLine, type PasswordCheck, type UserEntry } from './htpasswd.js';
import { VerificationCache } from './verification-cache.js';

/**
 * basicAuth (Traefik pkg/middlewares/auth/basic_auth.go): grants access to users listed as htpasswd lines.
 * Failure answers 401 with `WWW-Authenticate: Basic realm="…"` and go-http-auth's body; success forwards the
 * request, optionally naming the user in a header and dropping Authorization.
 */
const schema = s.object({
  users: s.optional(
    s.array(s.string(), {
      default: [],
      description: 'Authorized users as htpasswd lines `name:hash`; hashes in MD5-crypt ($apr1$), SHA1 ({SHA}) or bcrypt ($2y$).',
    }),
  ),
  usersFile: s.optional(
    s.string({
      default: '',
      description: 'Path of an htpasswd file (one `name:hash` per line, `#` comments). Merged with `users`; `users` wins for a name in both.',
    }),
  ),
  realm: s.optional(s.string({ default: 'traefik', description: 'Realm announced in the WWW-Authenticate challenge.' })),
  removeHeader: s.optional(s.boolean({ default: false, description: 'Remove the Authorization header before forwarding the request.' })),
  headerField: s.optional(
    s.string({ default: '', description: 'Request header that receives the authenticated user name (e.g. X-WebAuth-User).' }),
  ),
});

interface UserSource extends UserEntry {
  /** Key path for error messages: `users[2]` or `usersFile`. */
  path: string;
  where: string;
}

interface Prepared {
  users: UserSource[];
  realm: string;
  removeHeader: boolean;
  headerField: string;
}

/** go-http-auth's NormalHeaders.UnauthResponse. */
const UNAUTHORIZED_BODY = Buffer.from('401 Unauthorized\n');

function parseAll(lines: UserLine[]): UserSource[] {
  return lines.map(({ line, path, where }) => {
    const entry = parseUserLine(line);
    // The line holds a password hash: the message says what is wrong without quoting it.
    if (entry === null) throw new ConfigError(`${where}: expected "name:hash" with exactly one ":"`, path);
    return { ...entry, path, where };
  });
}

export const basicAuth = defineMiddleware<typeof schema, Prepared>({
  type: 'basicAuth',
  description: 'HTTP basic authentication against htpasswd users (MD5-crypt, SHA1, bcrypt).',
  schema,

  async provision(config: Static<typeof schema>): Promise<Prepared> {
    const lines = await collectUserLines(config);
    return {
      users: parseAll(lines),
      realm: config.realm === undefined || config.realm === '' ? 'traefik' : config.realm,
      removeHeader: config.removeHeader ?? false,
      headerField: config.headerField ?? '',
    };
  },

  validate(prepared) {
    if (prepared.users.length === 0) throw new ConfigError('no users: give users or a usersFile with at least one "name:hash" line', 'users');
  },

  build(prepared, ctx) {
    const cache = new VerificationCache();
    const checks = new Map<string, PasswordCheck>();
    for (const u of prepared.users) {
      const { kind, check } = compileCheck(u.hash, cache);
      if (kind === 'unmatchable') {
        ctx.log.warn(`basicAuth ${ctx.element}: user ${JSON.stringify(u.name)} (${u.where}) has a hash that is neither MD5-crypt, SHA1 nor bcrypt (plain text?); it can never authenticate`);
      }
      checks.set(u.name, check);
    }
    // Unknown users are checked against a real hash too, so a miss costs what a wrong password costs and the
    // response time does not reveal which user names exist (Traefik's notFoundSecret: the first user's hash).
    const decoy = compileCheck(prepared.users[0].hash, new VerificationCache(0)).check;
    const challenge = `Basic realm="${prepared.realm}"`;
    const headerField = prepared.headerField.toLowerCase();
    const removeHeader = prepared.removeHeader;

    const deny = (ex: Exchange): void => {
      ex.respond(401, UNAUTHORIZED_BODY, { 'content-type': 'text/plain', 'www-authenticate': challenge });
    };

    return (next: Handler): Handler => {
      const allow = (ex: Exchange, user: string): void | Promise<void> => {
        ex.user = user;
        if (headerField !== '') ex.headers[headerField] = user;
        if (removeHeader) delete ex.headers.authorization;
        return next(ex);
      };
      return (ex) => {
        const creds = parseBasicAuth(ex.headers.authorization);
        if (creds === null) return deny(ex);
        const check = checks.get(creds.user);
        if (check === undefined) {
          const wasted = decoy(creds.user, creds.password);
          if (wasted === true || wasted === false) return deny(ex);
          return wasted.then(() => deny(ex));
        }
        const ok = check(creds.user, creds.password);
        if (ok === true) return allow(ex, creds.user);
        if (ok === false) return deny(ex);
        return ok.then((passed) => (passed ? allow(ex, creds.user) : deny(ex)));
      };
    };
  },
});

export default [basicAuth];
