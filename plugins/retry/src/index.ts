import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, UpstreamError, defineMiddleware, parseDuration, s, statusText } from '@portico/sdk';
import type { Exchange, Handler } from '@portico/sdk';
import { runAttempt } from './attempt.js';
import { exponentialBackoff } from './backoff.js';
import { bufferBody, hasRequestBody } from './replayable-body.js';
import { parseStatusRanges, statusInRanges, type StatusRanges } from './status-ranges.js';

/**
 * retry (Traefik pkg/middlewares/retry): tries the request again, up to `attempts` times in all, when the
 * service could not reach a server (network error before the request was sent) or — with `status` — when the
 * answer has a listed status. Only the last attempt's answer reaches the client.
 */
const schema = s.object({
  attempts: s.integer({ description: 'Number of attempts in all (the first one included); must be at least 1.' }),
  initialInterval: s.optional(
    s.duration({ default: 0, description: 'First wait of the exponential backoff between attempts (it grows to twice this value). 0 = retry at once.' }),
  ),
  timeout: s.optional(s.duration({ default: 0, description: 'How long the middleware may keep retrying, from the first attempt. 0 = no limit.' })),
  maxRequestBodyBytes: s.optional(
    s.integer({ default: -1, description: 'Largest request body kept in memory to be sent again; larger bodies are not retried. -1 = no limit.' }),
  ),
  status: s.optional(s.array(s.string(), { default: [], description: 'Response statuses to retry on, e.g. "503" or "500-599".' })),
  disableRetryOnNetworkError: s.optional(
    s.boolean({ default: false, description: 'Do not retry when the request could not be sent to a server (then `status` is required).' }),
  ),
  retryNonIdempotentMethod: s.optional(
    s.boolean({ default: false, description: 'Also retry on `status` for non-idempotent methods (POST, PATCH, LOCK).' }),
  ),
});

/**
 * A request body retried only for network errors is buffered up to this size when maxRequestBodyBytes is
 * unlimited: Traefik streams such bodies and relies on them being unread, but a streamed body cannot be
 * replayed here, and buffering every upload in full would put arbitrary sizes in memory.
 */
export const NETWORK_RETRY_BODY_CAP = 1 << 20;

const NON_IDEMPOTENT = new Set(['POST', 'PATCH', 'LOCK']);

interface Plan {
  attempts: number;
  initialIntervalMs: number;
  timeoutMs: number;
  maxRequestBodyBytes: number;
  ranges: StatusRanges | null;
  retryOnNetworkError: boolean;
  retryNonIdempotentMethod: boolean;
}

export const retry = defineMiddleware({
  type: 'retry',
  description: 'Retries requests that could not reach a server, or that got one of the listed statuses.',
  schema,

  validate(config) {
    if ((config.status ?? []).length === 0 && config.disableRetryOnNetworkError === true) {
      throw new ConfigError('retry middleware requires at least HTTP status codes or retry on TCP', 'status');
    }
    if (config.attempts <= 0) throw new ConfigError(`incorrect (or empty) value for attempt (${config.attempts})`, 'attempts');
    try {
      parseStatusRanges(config.status ?? []);
    } catch (err) {
      throw new ConfigError((err as Error).message, `status[${(err as { index: number }).index}]`);
    }
  },

  build(config) {
    const status = config.status ?? [];
    const plan: Plan = {
      attempts: config.attempts,
      initialIntervalMs: parseDuration(config.initialInterval ?? 0),
      timeoutMs: parseDuration(config.timeout ?? 0),
      maxRequestBodyBytes: config.maxRequestBodyBytes ?? -1,
      ranges: status.length > 0 ? parseStatusRanges(status) : null,
      retryOnNetworkError: config.disableRetryOnNetworkError !== true,
      retryNonIdempotentMethod: config.retryNonIdempotentMethod === true,
    };
    if (plan.attempts === 1) return (next) => next;
    return (next: Handler): Handler =>
      (ex) => {
        // Status retries apply to idempotent methods unless told otherwise; network retries to any method.
        const ranges = plan.retryNonIdempotentMethod || !NON_IDEMPOTENT.has(ex.method) ? plan.ranges : null;
        if (ranges === null && !plan.retryOnNetworkError) return next(ex);
        return serveWithRetries(ex, next, plan, ranges);
      };
  },
});

async function serveWithRetries(ex: Exchange, next: Handler, plan: Plan, ranges: StatusRanges | null): Promise<void> {
  // A body can only be sent again if it is in memory.
  if (ex.body === null && hasRequestBody(ex.req)) {
    const limit = plan.maxRequestBodyBytes >= 0 ? plan.maxRequestBodyBytes : ranges !== null ? Infinity : NETWORK_RETRY_BODY_CAP;
    let body: Buffer | null;
    try {
      body = await bufferBody(ex.req, limit);
    } catch {
      ex.respond(500, `${statusText[500]}\n`, { 'x-content-type-options': 'nosniff' });
      return;
    }
    if (body === null) return next(ex);
    ex.body = body;
  }

  const started = performance.now();
  const timedOut = () => plan.timeoutMs > 0 && performance.now() - started >= plan.timeoutMs;
  const discard = ranges === null ? () => false : (status: number) => !timedOut() && statusInRanges(ranges, status);
  const backoff = exponentialBackoff(plan.initialIntervalMs, plan.attempts);
  // Each attempt starts from the request as it reached this middleware (inner middlewares may rewrite it).
  const original = { path: ex.path, query: ex.query, headers: { ...ex.headers }, user: ex.user, appendXForwardedFor: ex.appendXForwardedFor };
  let lastError: UpstreamError | null = null;

  for (let attempt = 1; ; attempt++) {
    if (attempt === plan.attempts) return next(ex);
    const outcome = await runAttempt(ex, next, discard);
    if (outcome.kind === 'done') return;
    if (outcome.kind === 'failed') {
      const err = outcome.error;
      // Network error: the request never reached a server. A 503 UpstreamError means no server was available,
      // which Traefik's load balancer answers before the proxy: not a network error.
      const network = plan.retryOnNetworkError && !err.reachedUpstream && err.status !== 503;
      if (timedOut() || !(network || (ranges !== null && statusInRanges(ranges, err.status)))) throw err;
      lastError = err;
    }
    // null: the backoff gave up (15 minutes elapsed); the next attempt is the last one.
    const wait = backoff();
    ex.retryAttempts = attempt;
    if (wait !== null && wait > 0) await sleep(wait);
    if (ex.res.destroyed) {
      // The client left: nobody to answer.
      throw lastError ?? new UpstreamError(502, false, 'client closed the connection during retries');
    }
    ex.path = original.path;
    ex.query = original.query;
    ex.headers = { ...original.headers };
    ex.user = original.user;
    ex.appendXForwardedFor = original.appendXForwardedFor;
    if (wait === null) return next(ex);
  }
}

export default [retry];
