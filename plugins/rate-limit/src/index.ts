import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, compileSourceCriterion, defineMiddleware, parseDuration, s, sourceCriterionSchema } from '@portico/sdk';
import type { Exchange, Handler, Static } from '@portico/sdk';
import { BucketStore } from './bucket-store.js';
import { goDuration } from './go-duration.js';
import { idleExpiryMs, limitsFor, reserve } from './token-bucket.js';

/**
 * rateLimit (Traefik pkg/middlewares/ratelimiter): one token bucket per request source. A request takes a
 * token; if none is free it waits for the next one when that is at most maxDelay away, else it gets 429 with
 * Retry-After / X-Retry-In.
 */
const schema = s.object({
  average: s.optional(
    s.integer({ default: 0, description: 'Requests allowed per period, on average (the refill rate). 0 = no rate limiting.' }),
  ),
  period: s.optional(s.duration({ default: '1s', description: 'Period over which `average` is counted (0 means 1s).' })),
  burst: s.optional(s.integer({ default: 1, description: 'Maximum number of requests allowed at once: the bucket size (below 1 counts as 1).' })),
  sourceCriterion: s.optional(sourceCriterionSchema),
  redis: s.optional(
    s.unknown({
      description:
        'Share the buckets through Redis (endpoints, tls, username, password, db, poolSize, minIdleConns, maxActiveConns, readTimeout, writeTimeout, dialTimeout). Not supported yet.',
    }),
  ),
});

type Config = Static<typeof schema>;

/** 429 body as Traefik writes it (no trailing newline; Go sniffs it as text/plain). */
const TOO_MANY = 'Too Many Requests';

/** The pure parameters a configuration yields (exported for tests: Traefik's ratelimiter.New expectations). */
export function rateLimitParams(config: Config) {
  const periodNs = Math.round(parseDuration(config.period ?? '1s') * 1e6);
  if (periodNs < 0) throw new ConfigError(`negative value not valid for period: ${String(config.period)}`, 'period');
  const limits = limitsFor(config.average ?? 0, periodNs === 0 ? 1e9 : periodNs, config.burst ?? 1);
  return { limits, idleMs: limits === null ? 0 : idleExpiryMs(limits) };
}

export const rateLimit = defineMiddleware({
  type: 'rateLimit',
  description: 'Limits the request rate per source (client IP, header or host) with token buckets.',
  schema,

  validate(config) {
    if (config.redis !== undefined) {
      throw new ConfigError('the Redis-backed rate limiter is not supported yet: remove `redis` to use in-memory buckets', 'redis');
    }
    rateLimitParams(config);
  },

  build(config, ctx) {
    const warn = (message: string) => ctx.log.warn(`rateLimit ${ctx.element}: ${message}`);
    const sourceOf = compileSourceCriterion(config.sourceCriterion, 'sourceCriterion', warn);
    if ((config.average ?? 0) < 0) warn('a negative average means no rate limiting (as 0)');
    const { limits, idleMs } = rateLimitParams(config);
    if (limits === null) return (next) => next;
    const store = ctx.state('buckets', () => new BucketStore());

    const refuse = (ex: Exchange, delayNs: number): void => {
      ex.respond(429, TOO_MANY, { 'retry-after': String(Math.ceil(delayNs / 1e9)), 'x-retry-in': goDuration(delayNs) });
    };

    return (next: Handler): Handler =>
      (ex) => {
        const now = performance.now();
        const delayNs = reserve(store.get(sourceOf(ex), limits, now, idleMs), limits, now);
        if (delayNs > limits.maxDelayNs) return refuse(ex, delayNs);
        if (delayNs === 0) return next(ex);
        // Within maxDelay: hold the request until its token is due, as Traefik does (unless the client left).
        return sleep(delayNs / 1e6).then(() => (ex.res.destroyed ? undefined : next(ex)));
      };
  },
});

export default [rateLimit];
