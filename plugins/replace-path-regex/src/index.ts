import { ConfigError, GoRegexpError, defineMiddleware, s } from '@portico/sdk';
import type { Handler } from '@portico/sdk';
import { compileGoReplacer, type GoReplacer } from '@portico/sdk';
import { PathEscapeError, wirePath } from '@portico/sdk';
import { addReplacedPath } from '@portico/sdk';

/**
 * replacePathRegex (Traefik pkg/middlewares/replacepathregex): when `regex` matches the escaped request path,
 * every match is replaced (Go's ReplaceAllString, `$1`/`${name}` templates), the result becomes the escaped
 * path, and the original goes to X-Replaced-Path. Both options are trimmed of surrounding spaces, as Traefik
 * does; a result with a malformed escape answers 500, as url.PathUnescape fails there.
 */
const schema = s.object({
  regex: s.optional(s.string({ default: '', description: 'Go regular expression matched against the escaped request path.' })),
  replacement: s.optional(
    s.string({ default: '', description: 'Replacement for each match; `$1`, `${1}`, `$name`, `${name}` insert capture groups, `$$` a dollar sign.' }),
  ),
});

export const replacePathRegex = defineMiddleware({
  type: 'replacePathRegex',
  description: 'Rewrites the request path with a regular expression, keeping the original in X-Replaced-Path.',
  schema,

  validate(config) {
    compile(config.regex ?? '', config.replacement ?? '');
  },

  build(config) {
    const replacer = compile(config.regex ?? '', config.replacement ?? '');
    return (next: Handler): Handler =>
      (ex) => {
        const current = ex.path;
        if (!replacer.test(current)) return next(ex);
        addReplacedPath(ex, current);
        try {
          ex.path = wirePath(replacer.replaceAll(current));
        } catch (err) {
          if (!(err instanceof PathEscapeError)) throw err;
          return ex.respond(500, `${err.message}\n`, { 'x-content-type-options': 'nosniff' });
        }
        return next(ex);
      };
  },
});

function compile(regex: string, replacement: string): GoReplacer {
  try {
    return compileGoReplacer(regex.trim(), replacement.trim());
  } catch (err) {
    if (err instanceof GoRegexpError) throw new ConfigError(`error compiling regular expression ${regex}: ${err.reason}`, 'regex');
    throw err;
  }
}

export default [replacePathRegex];
