import type { IncomingMessage, ServerResponse } from 'node:http';
import { Exchange, type Handler } from '../http/exchange.js';
import { buildForwardedHeadersStage, type ForwardedHeadersOptions } from '../proxy/forwarded-headers.js';
import { cleanPath, needsCleaning } from './sanitize-path.js';

/**
 * The per-request steps an HTTP entrypoint runs before and around its router, without the server around them:
 * path sanitizing, the Exchange, the forwarded-headers stage, then the handler with its failures routed to one
 * callback. Built once per entrypoint. The entrypoint and the test kit (`@portico/sdk/testing`'s `inject()`)
 * both run requests through this, so a plugin test sees requests exactly as the proxy's middlewares do.
 */
export interface RequestPipelineOptions {
  /** Entrypoint name given to exchanges. */
  entryPoint: string;
  forwardedHeaders: ForwardedHeadersOptions & { notAppendXForwardedFor?: boolean };
  /** http.sanitizePath: clean `//`, `/./`, `/../` before routing. */
  sanitizePath: boolean;
  /** Whether the client connection is TLS. */
  tls: boolean;
  /** X-Forwarded-Server value; defaults to the host name (as the entrypoint sends it). */
  serverName?: string;
}

/** Builds the Exchange for one accepted request, with the request already sanitized and its forwarded headers set. */
export type ExchangeStarter = (req: IncomingMessage, res: ServerResponse, clientIp: string, upgrade: Exchange['upgrade']) => Exchange;

export function buildExchangeStarter(opts: RequestPipelineOptions): ExchangeStarter {
  const forwarded = opts.serverName === undefined ? buildForwardedHeadersStage(opts.forwardedHeaders) : buildForwardedHeadersStage(opts.forwardedHeaders, opts.serverName);
  const appendXff = opts.forwardedHeaders.notAppendXForwardedFor !== true;
  const { entryPoint, sanitizePath, tls } = opts;
  return (req, res, clientIp, upgrade) => {
    if (sanitizePath && req.url !== undefined && needsCleaning(req.url)) {
      const q = req.url.indexOf('?');
      const path = q === -1 ? req.url : req.url.slice(0, q);
      if (needsCleaning(path)) req.url = cleanPath(path) + (q === -1 ? '' : req.url.slice(q));
    }
    const ex = new Exchange(req, res, entryPoint, clientIp, tls, process.hrtime.bigint());
    ex.upgrade = upgrade;
    ex.appendXForwardedFor = appendXff;
    forwarded(req.headers, clientIp, tls);
    return ex;
  };
}

/**
 * Runs `handler` on `ex`; a synchronous throw or a rejection goes to `fail` (once). Returns the handler's
 * promise, settled either way, for callers that wait (the entrypoint does not: the response's own events end it).
 */
export function runHandler(handler: Handler, ex: Exchange, fail: (ex: Exchange, err: unknown) => void): Promise<void> | undefined {
  let pending: void | Promise<void>;
  try {
    pending = handler(ex);
  } catch (err) {
    fail(ex, err);
    return undefined;
  }
  return pending === undefined ? undefined : pending.then(undefined, (err: unknown) => fail(ex, err));
}
