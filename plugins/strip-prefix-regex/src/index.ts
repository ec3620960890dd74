import { ConfigError, GoRegexpError, compileGoRegexp, defineMiddleware, s, statusText } from '@portico/sdk';
import type { Exchange, Handler } from '@portico/sdk';
import { decodePathBytes, encodedPrefixLen, ensureLeadingSlash, isCleanPath } from '@portico/sdk';

/**
 * stripPrefixRegex (Traefik pkg/middlewares/stripprefixregex): the first regex whose leftmost match text is a
 * non-empty prefix of the decoded request path strips it; the match goes to X-Forwarded-Prefix. The escaped
 * path loses as many encoded chars as the match has bytes, so `/b/ap%69/a%2Fb` with `/b/([a-z0-9]+)/` keeps
 * `/a%2Fb`. A stripped path that is not clean ("." / ".." / "//" segments) gets 400, as in stripPrefix.
 */
const schema = s.object({
  regex: s.optional(
    s.array(s.string(), { default: [], description: 'Go regular expressions matched against the decoded request path; the first whose match starts the path is stripped.' }),
  ),
});

function badRequest(ex: Exchange): void {
  ex.respond(400, `${statusText[400]}\n`, { 'x-content-type-options': 'nosniff' });
}

function addForwardedPrefix(ex: Exchange, value: string): void {
  const prior = ex.headers['x-forwarded-prefix'];
  ex.headers['x-forwarded-prefix'] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
}

function compileAll(regex: readonly string[]): RegExp[] {
  return regex.map((exp, i) => {
    try {
      return compileGoRegexp(exp.trim());
    } catch (err) {
      if (err instanceof GoRegexpError) throw new ConfigError(err.message, `regex[${i}]`);
      throw err;
    }
  });
}

export const stripPrefixRegex = defineMiddleware({
  type: 'stripPrefixRegex',
  description: 'Removes a path prefix matched by a regular expression, and records it in X-Forwarded-Prefix.',
  schema,

  validate(config) {
    compileAll(config.regex ?? []);
  },

  build(config) {
    const expressions = compileAll(config.regex ?? []);
    if (expressions.length === 0) return (next) => next;

    return (next: Handler): Handler =>
      (ex) => {
        const bytes = decodePathBytes(ex.path);
        if (bytes === null) return next(ex);
        // Go matches the UTF-8 decoded path; lengths below are in bytes, as Go's strings are.
        const decoded = Buffer.from(bytes, 'latin1').toString('utf8');
        for (const re of expressions) {
          const m = re.exec(decoded);
          // Go checks HasPrefix on the matched text, not the match position.
          if (m === null || m[0] === '' || !decoded.startsWith(m[0])) continue;
          const prefixBytes = Buffer.byteLength(m[0], 'utf8');
          const stripped = ensureLeadingSlash(ex.path.slice(encodedPrefixLen(ex.path, prefixBytes)));
          if (stripped !== '' && !isCleanPath(stripped)) return badRequest(ex);
          // Node writes header strings as latin1: pass the UTF-8 bytes through, as Go writes them.
          addForwardedPrefix(ex, Buffer.from(m[0], 'utf8').toString('latin1'));
          ex.path = stripped;
          return next(ex);
        }
        return next(ex);
      };
  },
});

export default [stripPrefixRegex];
