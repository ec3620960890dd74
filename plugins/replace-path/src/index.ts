import { defineMiddleware, s } from '@portico/sdk';
import type { Handler } from '@portico/sdk';
import { PathEscapeError, wirePath } from '@portico/sdk';
import { addReplacedPath } from '@portico/sdk';

/**
 * replacePath (Traefik pkg/middlewares/replacepath): replaces the whole request path (the query is kept) and
 * records the original escaped path in X-Replaced-Path. `path` is taken as an escaped path (Traefik sets
 * RawPath to it and Path to its unescaping), so `/a%2Fb` is sent as is and `/a b` as `/a%20b`.
 */
const schema = s.object({
  path: s.optional(s.string({ default: '', description: 'Path that replaces the request path (escaped form; the query is kept).' })),
});

export const replacePath = defineMiddleware({
  type: 'replacePath',
  description: 'Replaces the request path, keeping the original in X-Replaced-Path.',
  schema,

  build(config, ctx) {
    const target = config.path ?? '';
    let wire: string;
    try {
      wire = wirePath(target);
    } catch (err) {
      if (!(err instanceof PathEscapeError)) throw err;
      // Traefik accepts the configuration and fails each request with 500 (url.PathUnescape's error).
      const message = `${err.message}\n`;
      ctx.log.warn(`replacePath ${ctx.element}: path ${JSON.stringify(target)}: ${err.message}; every request will get 500`);
      return (): Handler => (ex) => ex.respond(500, message, { 'x-content-type-options': 'nosniff' });
    }
    return (next: Handler): Handler =>
      (ex) => {
        addReplacedPath(ex, ex.path);
        ex.path = wire;
        return next(ex);
      };
  },
});

export default [replacePath];
