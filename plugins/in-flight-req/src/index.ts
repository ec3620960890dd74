import { compileSourceCriterion, defineMiddleware, s, sourceCriterionSchema } from '@portico/sdk';
import type { Exchange, Handler } from '@portico/sdk';

/**
 * inFlightReq (Traefik pkg/middlewares/inflightreq, oxy connlimit): at most `amount` requests per source are
 * in progress at once; one more gets 429 with oxy's "max connections reached: N". A request counts from the
 * moment it passes until the rest of the chain has finished with it (response relayed or failed).
 */
const schema = s.object({
  amount: s.optional(
    s.integer({ default: 0, description: 'Maximum number of requests in progress at once per source. 0 (or less) rejects every request, as Traefik does.' }),
  ),
  sourceCriterion: s.optional(sourceCriterionSchema),
});

/** In-flight counts per source key; kept in element state so a reload does not forget running requests. */
type Counts = Map<string, number>;

export const inFlightReq = defineMiddleware({
  type: 'inFlightReq',
  description: 'Limits the number of simultaneous in-flight requests per source.',
  schema,

  validate(config) {
    compileSourceCriterion(config.sourceCriterion);
  },

  build(config, ctx) {
    const warn = (message: string) => ctx.log.warn(`inFlightReq ${ctx.element}: ${message}`);
    const sourceOf = compileSourceCriterion(config.sourceCriterion, 'sourceCriterion', warn);
    const amount = config.amount ?? 0;
    if (amount <= 0) warn(`amount is ${amount}: every request will be answered 429`);
    const counts = ctx.state<Counts>('in-flight', () => new Map());
    const refusal = `max connections reached: ${amount}`;

    const release = (key: string): void => {
      const n = (counts.get(key) ?? 1) - 1;
      if (n <= 0) counts.delete(key);
      else counts.set(key, n);
    };

    return (next: Handler): Handler =>
      (ex: Exchange) => {
        const key = sourceOf(ex);
        const current = counts.get(key) ?? 0;
        if (current >= amount) return ex.respond(429, refusal);
        counts.set(key, current + 1);
        let pending: void | Promise<void>;
        try {
          pending = next(ex);
        } catch (err) {
          release(key);
          throw err;
        }
        if (pending === undefined) {
          release(key);
          return;
        }
        return pending.finally(() => release(key));
      };
  },
});

export default [inFlightReq];
