import type { OutgoingHttpHeaders } from 'node:http';
import { UpstreamError } from '@portico/sdk';
import type { Exchange, Handler, ResponseModifier } from '@portico/sdk';

/** Thrown from the intercepted `sendHead` to refuse a response head whose status is caught. */
export class CaughtStatus extends Error {
  constructor(readonly status: number) {
    super(`response ${status} replaced by an error page`);
    this.name = 'CaughtStatus';
  }
}

type ApplyModifiers = (status: number, headers: OutgoingHttpHeaders) => void;
type Interceptable = Exchange & { applyResponseModifiers?: ApplyModifiers };

/**
 * Runs `next` and returns the status it answered with when `caught` selects it (0 otherwise: the response went
 * to the client untouched). A caught response leaves no trace: its head is refused before anything is written
 * (every answer goes through `sendHead`, the upstream relay's and a middleware's `respond()` alike; the relay
 * drops the upstream response when its head is refused), and response modifiers registered by inner
 * middlewares are dropped with it — Traefik's codeCatcher discards that response's headers and body.
 *
 * A service failure with nothing written (UpstreamError: 502, 503, 504) counts as an answer with its status,
 * as Traefik's proxy writes it through the same catcher.
 *
 * The overrides are own properties restored afterwards, so nested interceptions (retry inside) compose.
 */
export async function runCatching(ex: Exchange, next: Handler, caught: (status: number) => boolean): Promise<number> {
  const target = ex as Interceptable;
  const prevSendHead = target.sendHead;
  const prevOnResponseHead = target.onResponseHead;
  const prevApply = target.applyResponseModifiers;
  const held: ResponseModifier[] = [];
  let status = 0;

  const restore = (): void => {
    target.sendHead = prevSendHead;
    target.onResponseHead = prevOnResponseHead;
    if (prevApply !== undefined) target.applyResponseModifiers = prevApply;
  };
  /** The head goes to the client: modifiers held so far are registered for real, later calls go straight through. */
  const commit = (): void => {
    restore();
    for (const m of held) prevOnResponseHead.call(ex, m);
  };

  target.onResponseHead = (modifier: ResponseModifier) => {
    held.push(modifier);
  };
  target.sendHead = (code: number, headers: OutgoingHttpHeaders) => {
    if (caught(code)) {
      status = code;
      throw new CaughtStatus(code);
    }
    commit();
    prevSendHead.call(ex, code, headers);
  };
  if (prevApply !== undefined) {
    // A protocol upgrade's head (written by other means): never caught.
    target.applyResponseModifiers = (code: number, headers: OutgoingHttpHeaders) => {
      commit();
      prevApply.call(ex, code, headers);
    };
  }

  try {
    await next(ex);
    return status;
  } catch (err) {
    // Whatever the relay rejected with after the refusal, the refusal is what happened.
    if (status !== 0) return status;
    if (err instanceof UpstreamError && !ex.headSent && caught(err.status)) return err.status;
    throw err;
  } finally {
    restore();
  }
}
