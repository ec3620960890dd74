import { UpstreamError } from '@portico/sdk';
import type { Exchange, Handler } from '@portico/sdk';
import { ResponseCapture } from './response-capture.js';
import type { RetryPredicate } from './retry-expression.js';

/** oxy's buffer gives up after this many attempts whatever the expression says (DefaultMaxRetryAttempts). */
export const MAX_ATTEMPTS = 10;

/**
 * buffering with `retryExpression`, as oxy's buffer does it: the request body is in memory and the answer is
 * captured whole, so after each attempt the expression looks at it (Attempts(), ResponseCode(),
 * IsNetworkError()) and, while it holds, the captured answer is dropped and the request sent again. Only the
 * last answer reaches the client. An upstream that could not be reached counts as its 502/504, as Traefik's
 * proxy writes it into oxy's buffer.
 *
 * Each attempt starts from the request as it reached this middleware, and the response layers and head
 * modifiers inner middlewares registered during an abandoned attempt are forgotten (`rewindResponse`), so a
 * compress inside buffering is not stacked twice.
 */
export async function serveWithReplays(ex: Exchange, next: Handler, maxResponse: number, retryWhile: RetryPredicate): Promise<void> {
  const capture = new ResponseCapture(maxResponse, true);
  ex.wrapResponse(capture.layer);
  const mark = ex.responseCheckpoint();
  const original = { path: ex.path, query: ex.query, headers: { ...ex.headers }, user: ex.user, appendXForwardedFor: ex.appendXForwardedFor };

  for (let attempt = 1; ; attempt++) {
    let failure: UpstreamError | null = null;
    try {
      await next(ex);
      await capture.settled();
    } catch (err) {
      // Only an upstream that failed before anything was captured can be replayed; anything else is final.
      if (!(err instanceof UpstreamError) || capture.complete || ex.headSent) {
        capture.release();
        throw err;
      }
      failure = err;
    }
    const responseCode = failure !== null ? failure.status : (capture.head?.status ?? 0);
    const again = attempt < MAX_ATTEMPTS && !ex.res.destroyed && (failure !== null || capture.complete) && retryWhile({ attempts: attempt, responseCode });
    if (!again) {
      // The last answer goes out: the captured one, or the error's (answered through the capture by the entrypoint).
      capture.release();
      if (failure !== null) throw failure;
      return;
    }
    capture.reset();
    ex.rewindResponse(mark);
    ex.retryAttempts = attempt;
    ex.path = original.path;
    ex.query = original.query;
    ex.headers = { ...original.headers };
    ex.user = original.user;
    ex.appendXForwardedFor = original.appendXForwardedFor;
  }
}
