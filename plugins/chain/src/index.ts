import { ConfigError, defineMiddleware, s } from '@portico/sdk';
import type { MiddlewareFactory } from '@portico/sdk';

/**
 * chain (Traefik pkg/middlewares/chain): a named, reusable list of middlewares, applied in order exactly as a
 * router's `middlewares` list is (the first one outermost). Names resolve like a router's references: `x` is
 * `x@<the chain's provider>`, `x@provider` is taken as is.
 *
 * The referenced middlewares are looked up once, when the configuration is built (the kernel builds them
 * first and rejects cycles); per request the chain is the composed closures and nothing else.
 */
const schema = s.object({
  middlewares: s.array(s.string(), {
    description: 'Middlewares to apply, in order (the first one sees the request first). `name` refers to a middleware of the same provider as the chain, `name@provider` to any.',
  }),
});

export const chain = defineMiddleware({
  type: 'chain',
  description: 'Applies a list of other middlewares, in order, as one reusable middleware.',
  schema,

  build(config, ctx) {
    const factories: MiddlewareFactory[] = config.middlewares.map((name, i) => {
      if (name.trim() === '') throw new ConfigError('empty middleware name', `middlewares[${i}]`);
      if (ctx.middleware === undefined) throw new ConfigError('this host cannot resolve middleware references (ElementContext.middleware is missing)', `middlewares[${i}]`);
      return ctx.middleware(name, `middlewares[${i}]`);
    });
    if (factories.length === 0) return (next) => next;
    return (next) => {
      let handler = next;
      for (let i = factories.length - 1; i >= 0; i--) handler = factories[i]!(handler);
      return handler;
    };
  },
});

export default [chain];
