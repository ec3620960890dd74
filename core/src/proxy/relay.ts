import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Exchange } from '../http/exchange.js';
import { UpstreamError } from '../http/upstream-error.js';
import { HOP_BY_HOP, connectionListed, responseHeadersForClient } from './hop-by-hop.js';
import type { UpstreamTarget } from './upstream-target.js';

export interface RelayOptions {
  passHostHeader: boolean;
}

/** Error codes meaning the request never reached the upstream application (safe to retry). */
const NOT_REACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNABORTED']);
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'ETIMEDOUT']);

function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? '';
}

/** Builds the request headers sent upstream as a flat [name, value, …] list. */
function upstreamHeaders(ex: Exchange, target: UpstreamTarget, opts: RelayOptions): string[] {
  const h = ex.headers;
  const listed = connectionListed(h.connection);
  const out: string[] = [];
  for (const name in h) {
    if (HOP_BY_HOP.has(name) || name === 'host' || name === 'x-forwarded-for') continue;
    if (listed !== undefined && listed.has(name)) continue;
    const v = h[name];
    if (v === undefined) continue;
    if (typeof v === 'string') out.push(name, v);
    else for (const item of v) out.push(name, item);
  }
  out.push('host', opts.passHostHeader && h.host ? h.host : target.host);
  const prior = h['x-forwarded-for'];
  if (!ex.appendXForwardedFor) {
    if (prior !== undefined) out.push('x-forwarded-for', Array.isArray(prior) ? prior.join(', ') : prior);
  } else if (ex.clientIp !== '') {
    out.push('x-forwarded-for', prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${ex.clientIp}` : ex.clientIp);
  }
  return out;
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const cl = headers['content-length'];
  return cl !== undefined && cl !== '0';
}

/**
 * Relays one request to an upstream and streams the answer back: one undici dispatch whose handler writes
 * straight into the client response (no intermediate streams), with backpressure both ways.
 * Resolves when the response is complete; rejects with UpstreamError when it failed before anything was sent.
 */
export function relay(ex: Exchange, target: UpstreamTarget, opts: RelayOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const handler = new RelayHandler(ex, resolve, reject);
    const body = ex.body !== null ? ex.body : hasBody(ex.req.headers) ? ex.req : null;
    ex.upstreamUrl = target.url;
    target.dispatcher.dispatch(
      {
        origin: target.origin,
        method: ex.method as Dispatcher.HttpMethod,
        path: target.pathPrefix + ex.pathAndQuery,
        headers: upstreamHeaders(ex, target, opts),
        body,
      },
      handler,
    );
  });
}

class RelayHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private done = false;
  /** Set once the promise was rejected from onResponseStart: the abort's error callback must not settle again. */
  private rejected = false;
  private readonly onClientClose = () => {
    if (!this.done && this.controller !== null) this.controller.abort(new Error('client closed the connection'));
  };
  private readonly onDrain = () => this.controller?.resume();

  constructor(
    private readonly ex: Exchange,
    private readonly resolve: () => void,
    private readonly reject: (err: unknown) => void,
  ) {
    ex.res.once('close', this.onClientClose);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    const res = this.ex.res;
    if (res.destroyed) return;
    try {
      this.ex.sendHead(statusCode, responseHeadersForClient(headers));
    } catch (err) {
      // A middleware refused this response (retry discarding a retryable status): drop the upstream request,
      // write nothing, and hand the error to whoever awaits the relay.
      this.finish();
      this.rejected = true;
      controller.abort(err as Error);
      this.reject(err);
      return;
    }
    // A response of unknown length may be a stream (SSE, long poll): its head goes out now rather than with
    // the first body chunk. Sized responses skip this to save a write.
    if (headers['content-length'] === undefined) res.flushHeaders();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const res = this.ex.res;
    if (res.destroyed || this.rejected) return;
    this.ex.bytesWritten += chunk.length;
    if (!res.write(chunk)) {
      controller.pause();
      res.once('drain', this.onDrain);
    }
  }

  onResponseEnd(): void {
    if (this.rejected) return;
    this.finish();
    this.ex.res.end();
    this.resolve();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (this.rejected) return;
    this.finish();
    const ex = this.ex;
    // Not `req.destroyed`: a request whose body was fully read (e.g. buffered for retries) is auto-destroyed
    // while its connection is fine.
    if (ex.res.destroyed) {
      // The client went away: nobody to answer. Traefik logs these as 499.
      ex.status ||= 499;
      this.resolve();
      return;
    }
    if (ex.headSent) {
      // Mid-body failure: the only honest signal left is to cut the client connection.
      ex.res.destroy(err);
      this.resolve();
      return;
    }
    const code = errorCode(err);
    const status = TIMEOUTS.has(code) ? 504 : 502;
    this.reject(new UpstreamError(status, !NOT_REACHED.has(code), `${target(ex)}: ${err.message}${code ? ` (${code})` : ''}`, { cause: err }));
  }

  private finish(): void {
    this.done = true;
    this.ex.res.off('close', this.onClientClose);
  }
}

function target(ex: Exchange): string {
  return ex.upstreamUrl || 'upstream';
}
