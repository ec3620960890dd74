import { defineMiddleware, s, statusText } from '@portico/sdk';
import type { Exchange, Handler } from '@portico/sdk';
import { decodePathBytes, encodedPrefixLen, ensureLeadingSlash, isCleanPath, prefixBytes } from '@portico/sdk';

/**
 * stripPrefix (Traefik pkg/middlewares/stripprefix): removes the first matching prefix from the request path
 * and records it in X-Forwarded-Prefix. Matching uses the decoded path (`/ap%69/x` matches `/api/`); the
 * escaped path sent upstream keeps its encoding (`/a%2Fb` stays `/a%2Fb`). An exact match leaves an empty path,
 * which goes upstream as `/` (Go's RequestURI) while later middlewares still see it empty, as in Traefik.
 */
const schema = s.object({
  prefixes: s.optional(s.array(s.string(), { default: [], description: 'Prefixes to strip from the request path; the first one that matches is used.' })),
  forceSlash: s.optional(
    s.boolean({
      default: false,
      description: 'Deprecated: make the stripped path "/" rather than empty, and drop a leading slash left by the strip.',
    }),
  ),
});

interface CompiledPrefix {
  /** UTF-8 bytes as a byte string. */
  bytes: string;
  /** Value for X-Forwarded-Prefix (Traefik trims spaces there, not for matching). */
  header: string;
}

function badRequest(ex: Exchange): void {
  ex.respond(400, `${statusText[400]}\n`, { 'x-content-type-options': 'nosniff' });
}

function addForwardedPrefix(ex: Exchange, value: string): void {
  const prior = ex.headers['x-forwarded-prefix'];
  ex.headers['x-forwarded-prefix'] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
}

export const stripPrefix = defineMiddleware({
  type: 'stripPrefix',
  description: 'Removes a path prefix before forwarding, and records it in X-Forwarded-Prefix.',
  schema,

  build(config, ctx) {
    if (config.forceSlash === true) ctx.log.warn(`stripPrefix ${ctx.element}: forceSlash is deprecated, please remove any usage of this option`);
    const forceSlash = config.forceSlash === true;
    const prefixes: CompiledPrefix[] = (config.prefixes ?? []).map((p) => ({ bytes: prefixBytes(p), header: p.trim() }));
    if (prefixes.length === 0) return (next) => next;

    return (next: Handler): Handler =>
      (ex) => {
        const decoded = decodePathBytes(ex.path);
        if (decoded === null) return next(ex);
        for (const p of prefixes) {
          if (!decoded.startsWith(p.bytes)) continue;
          const rest = ex.path.slice(encodedPrefixLen(ex.path, p.bytes.length));
          const stripped = forceSlash ? `/${rest.startsWith('/') ? rest.slice(1) : rest}` : ensureLeadingSlash(rest);
          if (stripped !== '' && !isCleanPath(stripped)) return badRequest(ex);
          ex.path = stripped;
          addForwardedPrefix(ex, p.header);
          return next(ex);
        }
        return next(ex);
      };
  },
});

export default [stripPrefix];
