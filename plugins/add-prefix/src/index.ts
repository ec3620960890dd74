import { ConfigError, defineMiddleware, s } from '@portico/sdk';
import type { Handler } from '@portico/sdk';
import { ensureLeadingSlash, escapePath, pathUnescape, validEncodedPath } from '@portico/sdk';

/**
 * addPrefix (Traefik pkg/middlewares/addprefix): prepends `prefix` to the request path before forwarding.
 * Traefik adds it to both `URL.Path` and, when set, `URL.RawPath`, so an encoded path keeps its encoding
 * (`/b%2Fc` → `/a/b%2Fc`).
 */
const schema = s.object({
  prefix: s.optional(s.string({ default: '', description: 'Prefix to add to the request path (required, not empty).' })),
});

/** The escaped path Traefik sends after adding `prefix` to a request whose escaped path is `path`. */
export function addPrefixTo(prefix: string, path: string): string {
  let decoded: string;
  try {
    decoded = pathUnescape(path);
  } catch {
    return ensureLeadingSlash(prefix + path); // Go could not have parsed this URL; keep it visible upstream
  }
  const newPath = ensureLeadingSlash(prefix + decoded);
  // Go keeps a RawPath only when the wire form is not the default escaping of the decoded path.
  if (escapePath(decoded) === path) return escapePath(newPath);
  const raw = ensureLeadingSlash(prefix + path);
  try {
    if (validEncodedPath(raw) && pathUnescape(raw) === newPath) return raw;
  } catch {
    // A malformed escape in the prefix: EscapedPath falls back to escaping the decoded path.
  }
  return escapePath(newPath);
}

export const addPrefix = defineMiddleware({
  type: 'addPrefix',
  description: 'Adds a prefix to the request path before forwarding.',
  schema,

  validate(config) {
    if ((config.prefix ?? '') === '') throw new ConfigError('prefix cannot be empty', 'prefix');
  },

  build(config) {
    const prefix = config.prefix ?? '';
    // The usual prefix ("/api") escapes to itself and holds no '%': plain concatenation is exact.
    const simple = escapePath(prefix) === prefix && !prefix.includes('%');
    return (next: Handler): Handler =>
      (ex) => {
        ex.path = simple ? ensureLeadingSlash(prefix + ex.path) : addPrefixTo(prefix, ex.path);
        return next(ex);
      };
  },
});

export default [addPrefix];
