import { ConfigError, defineMiddleware, s } from '@portico/sdk';
import type { Exchange, Handler, Static } from '@portico/sdk';
import { declaredTooLarge, readBody } from './request-body.js';
import { ResponseCapture } from './response-capture.js';
import { compileRetryExpression, type RetryPredicate } from './retry-expression.js';
import { serveWithReplays } from './replay.js';

/**
 * buffering (Traefik pkg/middlewares/buffering over oxy's buffer): reads the whole request body before the
 * request goes on (413 when it exceeds maxRequestBodyBytes) and holds the whole response back until it is
 * complete (500 when it exceeds maxResponseBodyBytes). The upstream gets the body with its exact length.
 *
 * Portico keeps the buffered bodies in memory up to the max limits: Traefik spills what exceeds the mem*
 * thresholds to a temporary file; here those options are accepted (and checked) but only document the
 * intent — with a max of 0 (no limit) a body is held in memory whatever its size.
 */
const bytes = (description: string, def: number) => s.optional(s.integer({ default: def, description }));

const schema = s.object({
  maxRequestBodyBytes: bytes('Largest request body accepted, in bytes; larger ones get 413. 0 = no limit.', 0),
  memRequestBodyBytes: bytes('Request body bytes Traefik keeps in memory before using a temporary file (accepted; Portico keeps the body in memory).', 1048576),
  maxResponseBodyBytes: bytes('Largest response body passed on, in bytes; larger ones are replaced by a 500. 0 = no limit.', 0),
  memResponseBodyBytes: bytes('Response body bytes Traefik keeps in memory before using a temporary file (accepted; Portico keeps the body in memory).', 1048576),
  retryExpression: s.optional(
    s.string({
      default: '',
      description:
        'Replays the request while the expression holds over the buffered answer, e.g. `IsNetworkError() && Attempts() < 2` (Attempts(), ResponseCode(), IsNetworkError(); == != < > <= >= && || ! and parentheses). At most 10 attempts.',
    }),
  ),
});

type Config = Static<typeof schema>;
const LIMITS = ['maxRequestBodyBytes', 'memRequestBodyBytes', 'maxResponseBodyBytes', 'memResponseBodyBytes'] as const;

/** Go's http.StatusText(413), what oxy's size error handler writes. */
const TOO_LARGE_BODY = 'Request Entity Too Large';

export const buffering = defineMiddleware({
  type: 'buffering',
  description: 'Reads whole request and response bodies before passing them on, with size limits (413 / 500).',
  schema,

  validate(config: Config) {
    for (const key of LIMITS) {
      const value = config[key];
      // oxy refuses negative sizes when the middleware is created.
      if (value !== undefined && value < 0) throw new ConfigError(`must be >= 0, got ${value}`, key);
    }
    if (config.retryExpression !== undefined && config.retryExpression !== '') {
      try {
        compileRetryExpression(config.retryExpression);
      } catch (err) {
        throw new ConfigError(`invalid expression: ${(err as Error).message}`, 'retryExpression');
      }
    }
  },

  build(config: Config) {
    const maxRequest = config.maxRequestBodyBytes ?? 0;
    const maxResponse = config.maxResponseBodyBytes ?? 0;
    const retryWhile: RetryPredicate | null = config.retryExpression ? compileRetryExpression(config.retryExpression) : null;

    const tooLarge = (ex: Exchange) => ex.respond(413, TOO_LARGE_BODY);

    return (next: Handler): Handler => {
      const forward = (ex: Exchange, body: Buffer): void | Promise<void> => {
        ex.body = body;
        // The body now has a known length: sent with Content-Length instead of chunked (oxy's copyRequest).
        delete ex.headers['transfer-encoding'];
        if (body.length > 0 || ex.headers['content-length'] !== undefined) ex.headers['content-length'] = String(body.length);
        if (retryWhile !== null) return serveWithReplays(ex, next, maxResponse, retryWhile);
        ex.wrapResponse(new ResponseCapture(maxResponse, false).layer);
        return next(ex);
      };
      return (ex) => {
        // A protocol upgrade has no body to buffer and its answer is a stream (oxy leaves hijacked connections alone).
        if (ex.upgrade !== null) return next(ex);
        if (ex.body !== null) {
          // Already read by an outer middleware (retry): only the limit is left to check.
          if (maxRequest > 0 && ex.body.length > maxRequest) return tooLarge(ex);
          return forward(ex, ex.body);
        }
        if (declaredTooLarge(ex.req, maxRequest)) return tooLarge(ex);
        return readBody(ex.req, maxRequest).then((read) => {
          if (read.ok) return forward(ex, read.body);
          if (read.reason === 'too-large') return tooLarge(ex);
          // The client went away mid-body: nobody to answer.
          ex.status ||= 499;
          ex.res.destroy();
        });
      };
    };
  },
});

export default [buffering];
