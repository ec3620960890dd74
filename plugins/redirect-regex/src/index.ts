import { ConfigError, GoRegexpError, defineMiddleware, s } from '@portico/sdk';
import type { Exchange, Handler } from '@portico/sdk';
import { compileGoReplacer, type GoReplacer } from '@portico/sdk';
import { goURLString, headerSafe } from '@portico/sdk';
import { redirectStatus, requestUrlParts, sendRedirect, sendUnparsable } from '@portico/sdk';

/**
 * redirectRegex (Traefik pkg/middlewares/redirect): rebuilds the request URL as Traefik does
 * (`scheme://Host + RequestURI`, or the authority of an absolute-form target), and when `regex` matches it,
 * redirects to the URL with every match replaced (`$1`, `${name}`). A rewrite that changes nothing is no
 * redirect: the request goes on.
 */
const schema = s.object({
  regex: s.optional(s.string({ default: '', description: 'Go regular expression matched against the request URL (scheme://host[:port]/path?query).' })),
  replacement: s.optional(
    s.string({ default: '', description: 'URL to redirect to; `$1`, `${1}`, `$name`, `${name}` insert capture groups of `regex`, `$$` a dollar sign.' }),
  ),
  permanent: s.optional(s.boolean({ default: false, description: 'Send a permanent redirect (301, or 308 for methods other than GET) instead of 302/307.' })),
});

/** Traefik's rawURL: the request URL as the regex sees it (the Host header as is, no default-port removal). */
export function rawRequestURL(ex: Exchange): string {
  const u = requestUrlParts(ex, ex.host, '');
  return `${u.scheme}://${u.host}${u.port}${u.uri}`;
}

function compile(regex: string, replacement: string): GoReplacer {
  try {
    return compileGoReplacer(regex, replacement);
  } catch (err) {
    if (err instanceof GoRegexpError) throw new ConfigError(err.message, 'regex');
    throw err;
  }
}

export const redirectRegex = defineMiddleware({
  type: 'redirectRegex',
  description: 'Redirects the client to a URL computed from the request URL with a regular expression.',
  schema,

  validate(config) {
    compile(config.regex ?? '', config.replacement ?? '');
  },

  build(config) {
    const replacer = compile(config.regex ?? '', config.replacement ?? '');
    const permanent = config.permanent === true;
    return (next: Handler): Handler =>
      (ex) => {
        const oldURL = rawRequestURL(ex);
        if (!replacer.test(oldURL)) return next(ex);
        const newURL = replacer.replaceAll(oldURL);
        const location = goURLString(newURL);
        if (location === null) return sendUnparsable(ex);
        if (newURL === oldURL) return next(ex);
        return sendRedirect(ex, headerSafe(location), redirectStatus(ex.method, permanent));
      };
  },
});

export default [redirectRegex];
