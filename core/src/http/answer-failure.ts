import { statusText, type Exchange } from './exchange.js';
import { UpstreamError } from './upstream-error.js';

/**
 * The answer a client gets when a request's handler failed (threw, or its promise rejected): an UpstreamError
 * becomes its own status (502 connection failure, 504 timeout, 503 no server) with Go's status text, as Traefik
 * writes it; anything else is a bug somewhere in the chain and becomes 500. If the head already went out,
 * `respond()` cuts the connection instead — never a hang.
 *
 * Shared by the entrypoint and the test kit (`@portico/sdk/testing`), so tests see the proxy's exact mapping.
 * Returns which kind of failure it was, for the caller's logging.
 */
export function answerFailure(ex: Exchange, err: unknown): 'upstream' | 'internal' {
  if (err instanceof UpstreamError) {
    ex.respond(err.status, statusText[err.status] ?? 'Error');
    return 'upstream';
  }
  ex.respond(500, statusText[500]);
  return 'internal';
}
