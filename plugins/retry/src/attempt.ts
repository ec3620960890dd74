import type { OutgoingHttpHeaders } from 'node:http';
import { UpstreamError } from '@portico/sdk';
import type { Exchange, Handler, ResponseModifier } from '@portico/sdk';

/** Thrown from the intercepted `sendHead` when a response is to be discarded and the request retried. */
export class DiscardedResponse extends Error {
  constructor(readonly status: number) {
    super(`response ${status} discarded for a retry`);
    this.name = 'DiscardedResponse';
  }
}

export type AttemptOutcome =
  /** A response head went to the client (or the chain ended without one): nothing more to do. */
  | { kind: 'done' }
  /** The response's status is retryable: it was refused before anything was written. */
  | { kind: 'discarded'; status: number }
  /** The service could not get a response (nothing written). */
  | { kind: 'failed'; error: UpstreamError };

type ApplyModifiers = (status: number, headers: OutgoingHttpHeaders) => void;
type Interceptable = Exchange & { applyResponseModifiers?: ApplyModifiers };

/**
 * Runs one attempt that may be retried. The response head is the point of no return, so the attempt
 * intercepts the exchange's `sendHead` — through which every answer goes, proxied or produced by an inner
 * middleware — and refuses heads whose status `discard` selects, throwing DiscardedResponse (nothing is
 * written; the kernel's relay drops the upstream response and rejects). Response modifiers registered during
 * the attempt are held back and only registered when a head is accepted, so a discarded attempt leaves no
 * trace (Traefik gives each attempt a fresh response writer). The overrides are own properties restored to
 * the previous ones afterwards, so nested retries compose.
 */
export async function runAttempt(ex: Exchange, next: Handler, discard: (status: number) => boolean): Promise<AttemptOutcome> {
  const target = ex as Interceptable;
  const prevSendHead = target.sendHead;
  const prevOnResponseHead = target.onResponseHead;
  const prevApply = target.applyResponseModifiers;
  const held: ResponseModifier[] = [];
  let discarded = -1;

  const restore = () => {
    target.sendHead = prevSendHead;
    target.onResponseHead = prevOnResponseHead;
    if (prevApply !== undefined) target.applyResponseModifiers = prevApply;
  };
  /** The head is accepted: later writes go straight through. */
  const commit = () => {
    restore();
    for (const m of held) prevOnResponseHead.call(ex, m);
  };

  target.onResponseHead = (modifier: ResponseModifier) => {
    held.push(modifier);
  };
  target.sendHead = (status: number, headers: OutgoingHttpHeaders) => {
    if (discard(status)) {
      discarded = status;
      throw new DiscardedResponse(status);
    }
    commit();
    prevSendHead.call(ex, status, headers);
  };
  if (prevApply !== undefined) {
    target.applyResponseModifiers = (status: number, headers: OutgoingHttpHeaders) => {
      commit();
      prevApply.call(ex, status, headers);
    };
  }

  try {
    await next(ex);
    return discarded === -1 ? { kind: 'done' } : { kind: 'discarded', status: discarded };
  } catch (err) {
    // Whatever the relay rejected with after our refusal, the refusal is what happened.
    if (discarded !== -1) return { kind: 'discarded', status: discarded };
    if (err instanceof UpstreamError && !ex.headSent) return { kind: 'failed', error: err };
    throw err;
  } finally {
    restore();
  }
}
