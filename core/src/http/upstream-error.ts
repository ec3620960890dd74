/**
 * Raised (as a rejection of a handler's promise) when a service could not get a response from an upstream and
 * nothing has been written to the client yet. The entrypoint turns it into `status` with Go's status text, as
 * Traefik does (502 Bad Gateway, 504 Gateway Timeout); the retry middleware catches it to try again.
 */
export class UpstreamError extends Error {
  constructor(
    /** Status to answer with: 502 for connection failures, 504 for timeouts, 503 when no server is available. */
    readonly status: number,
    /**
     * Whether the request may have reached the upstream application (the connection was established and the
     * request started being sent). Only requests that did not reach it are safe to retry (Traefik's rule).
     */
    readonly reachedUpstream: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}
