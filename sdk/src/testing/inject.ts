import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { answerFailure, buildExchangeStarter, runHandler, UpstreamError } from '@portico/core';
import type { Exchange, Handler, MiddlewareFactory, RequestPipelineOptions } from '@portico/core';
import { buildChain, type BuiltMiddleware, type MiddlewareUnderTest } from './build.js';
import { fakeUpstream, type FakeUpstream, type UpstreamAnswer, type UpstreamCall, type UpstreamResponder } from './fake-upstream.js';
import { sendOverMemory } from './memory-http.js';

/** What to run: one element, a chain of them (outermost first), or middlewares already built. */
export type InjectTarget = MiddlewareUnderTest | readonly MiddlewareUnderTest[] | MiddlewareFactory | readonly MiddlewareFactory[];

/** A request as the client sends it. */
export interface InjectRequest {
  /** Default GET. */
  method?: string;
  /** Request-target sent as is (no normalization), query included; default `/`. */
  path?: string;
  /** Header lines (an array means repeated lines). Host defaults to `localhost`. */
  headers?: Record<string, string | string[]>;
  /** A string or Buffer is sent with Content-Length; a list of chunks is sent chunked. */
  body?: string | Buffer | Array<string | Buffer>;
  /** Adds an `Authorization: Basic …` header. */
  basicAuth?: { username: string; password: string };
}

export interface InjectOptions {
  /** How the fake upstream answers (default: 200, empty body), or a function of each call. */
  upstream?: UpstreamAnswer | UpstreamResponder;
  /** The client's address, as the entrypoint takes it from the socket; default 127.0.0.1. */
  clientIp?: string;
  /** Mark the connection as TLS (X-Forwarded-Proto https, `ex.tls`). */
  tls?: boolean;
  /** Entrypoint name; default `web`. */
  entryPoint?: string;
  /**
   * The entrypoint's forwardedHeaders options. Default: trust nobody, as the entrypoint does — incoming
   * X-Forwarded-* headers are dropped. Use `{ insecure: true }` or `trustedIPs` to test a plugin that reads them.
   */
  forwardedHeaders?: RequestPipelineOptions['forwardedHeaders'];
  /** entryPoints.<name>.http.sanitizePath; default true, as Traefik's. */
  sanitizePath?: boolean;
  /** X-Forwarded-Server value; default the host name, as the proxy sends it. */
  serverName?: string;
  /** Fail with a descriptive error when the response is not complete within this time; default 5000 ms. */
  timeoutMs?: number;
}

/** The response as the client got it, plus what happened inside. */
export interface InjectResponse {
  status: number;
  statusMessage: string;
  /** Response headers (lower-cased names), after every onResponseHead modifier. */
  headers: IncomingHttpHeaders;
  /** Header names and values as sent, in order. */
  rawHeaders: string[];
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  /** Body pieces in arrival order (a streamed response arrives in several). */
  chunks: Buffer[];
  /** True when the connection was cut before the response was complete. */
  aborted: boolean;
  /** Parses the body as JSON. */
  json<T = unknown>(): T;
  /** The last call the upstream got for this request; undefined when a middleware answered. */
  upstream: UpstreamCall | undefined;
  /** Every upstream call for this request (a retry makes several). */
  upstreamCalls: UpstreamCall[];
  /** The Exchange the middlewares saw (path, user, retryAttempts, status, bytesWritten…). */
  exchange: Exchange;
  /** An error the chain threw (answered 500 by the entrypoint's mapping); undefined when none. */
  error: unknown;
  /** An UpstreamError the chain let through (answered 502/503/504); undefined when none. */
  upstreamError: UpstreamError | undefined;
}

/** A built target with its fake upstream, to send several requests to the same middleware instances. */
export interface Injector {
  inject(request?: InjectRequest, opts?: Pick<InjectOptions, 'clientIp' | 'timeoutMs'>): Promise<InjectResponse>;
  upstream: FakeUpstream;
  /** The built elements (their test contexts hold logs and cleanups). */
  elements: BuiltMiddleware[];
  /** Runs the elements' cleanups, as the kernel does when a configuration is retired. */
  cleanup(): Promise<void>;
}

interface InFlight {
  exchange?: Exchange;
  error?: unknown;
  upstreamError?: UpstreamError;
  settled?: Promise<void> | undefined;
}

function isBuilt(target: InjectTarget): target is MiddlewareFactory | readonly MiddlewareFactory[] {
  return typeof target === 'function' || (Array.isArray(target) && target.length > 0 && typeof target[0] === 'function');
}

/**
 * Builds `target` (strict decode → provision → validate → build) and returns an injector that runs requests
 * through it in-process with the entrypoint's own per-request code: path sanitizing, the Exchange, the
 * forwarded-headers stage, and its error mapping (UpstreamError → its status, anything else → 500).
 */
export async function createInjector(target: InjectTarget, opts: InjectOptions = {}): Promise<Injector> {
  let elements: BuiltMiddleware[] = [];
  let factories: MiddlewareFactory[];
  if (isBuilt(target)) factories = typeof target === 'function' ? [target] : [...target];
  else {
    elements = await buildChain(Array.isArray(target) ? (target as MiddlewareUnderTest[]) : [target as MiddlewareUnderTest]);
    factories = elements.map((e) => e.factory);
  }
  const upstream = fakeUpstream(opts.upstream);
  // Composed as the router builder composes a router's chain: once, innermost last.
  let chain: Handler = upstream.handler;
  for (let i = factories.length - 1; i >= 0; i--) chain = factories[i](chain);
  const inner = chain;
  const routed: Handler = (ex) => {
    ex.routerName = 'test@test';
    ex.serviceName = 'upstream@test';
    return inner(ex);
  };
  const start = buildExchangeStarter({
    entryPoint: opts.entryPoint ?? 'web',
    forwardedHeaders: opts.forwardedHeaders ?? {},
    sanitizePath: opts.sanitizePath ?? true,
    tls: opts.tls ?? false,
    serverName: opts.serverName,
  });
  const inFlight = new Map<Duplex, InFlight>();
  const ips = new Map<Duplex, string>();
  const fail = (ex: Exchange, err: unknown) => {
    const rec = inFlight.get(ex.req.socket);
    if (rec !== undefined) {
      if (err instanceof UpstreamError) rec.upstreamError = err;
      else rec.error = err;
    }
    answerFailure(ex, err);
  };
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const rec = inFlight.get(req.socket);
    const ex = start(req, res, ips.get(req.socket) ?? '127.0.0.1', null);
    if (rec !== undefined) rec.exchange = ex;
    const settled = runHandler(routed, ex, fail);
    if (rec !== undefined) rec.settled = settled;
  });
  let cleaned = false;
  return {
    upstream,
    elements,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      for (const e of [...elements].reverse()) await e.context.runCleanups();
    },
    async inject(request = {}, per = {}) {
      const clientIp = per.clientIp ?? opts.clientIp ?? '127.0.0.1';
      const timeoutMs = per.timeoutMs ?? opts.timeoutMs ?? 5000;
      const rec: InFlight = {};
      let socket: Duplex | undefined;
      const sent = sendOverMemory(server, toWire(request), clientIp, (s) => {
        socket = s;
        inFlight.set(s, rec);
        ips.set(s, clientIp);
      });
      let timer: NodeJS.Timeout | undefined;
      let responded = false;
      const what = `${request.method ?? 'GET'} ${request.path ?? '/'}`;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          sent.abort();
          reject(
            new Error(
              responded
                ? `inject: the response to ${what} is complete but the chain's promise did not settle within ${timeoutMs} ms (work left pending after answering?)`
                : `inject: no complete response within ${timeoutMs} ms for ${what} (${stage(rec, upstream)}); a middleware neither called next() nor answered?`,
            ),
          );
        }, timeoutMs);
      });
      try {
        const wire = await Promise.race([sent.response, timeout]);
        responded = true;
        // The handler may still be running after the last byte (work after next()); wait for it too.
        if (rec.settled !== undefined) await Promise.race([rec.settled, timeout]);
        const ex = rec.exchange;
        if (ex === undefined) throw new Error('inject: the request never reached the pipeline (malformed request?)');
        const calls = upstream.callsOf(ex);
        return {
          ...wire,
          text: wire.body.toString('utf8'),
          json: <T>() => JSON.parse(wire.body.toString('utf8')) as T,
          upstream: calls[calls.length - 1],
          upstreamCalls: calls,
          exchange: ex,
          error: rec.error,
          upstreamError: rec.upstreamError,
        };
      } finally {
        clearTimeout(timer);
        if (socket !== undefined) {
          inFlight.delete(socket);
          ips.delete(socket);
        }
      }
    },
  };
}

function stage(rec: InFlight, upstream: FakeUpstream): string {
  if (rec.exchange === undefined) return 'the request did not reach the chain';
  const ex = rec.exchange;
  if (ex.headSent) return `the head (${ex.status}) was sent but the body did not end`;
  return upstream.callsOf(ex).length > 0 ? 'the upstream was called but no head was sent' : 'the upstream was not called and nothing was answered';
}

function toWire(r: InjectRequest) {
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k] = v;
  // Node's client would send `localhost:80` over a connection it did not open itself.
  if (!hasHeader(headers, 'host')) headers.host = 'localhost';
  if (r.basicAuth !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${r.basicAuth.username}:${r.basicAuth.password}`).toString('base64')}`;
  }
  let body: Buffer | Buffer[] | undefined;
  if (Array.isArray(r.body)) {
    body = r.body.map((c) => Buffer.from(c));
    if (!hasHeader(headers, 'transfer-encoding') && !hasHeader(headers, 'content-length')) headers['transfer-encoding'] = 'chunked';
  } else if (r.body !== undefined) {
    body = Buffer.from(r.body);
    if (!hasHeader(headers, 'transfer-encoding') && !hasHeader(headers, 'content-length')) headers['content-length'] = body.length;
  }
  return { method: r.method ?? 'GET', path: r.path ?? '/', headers, body };
}

function hasHeader(headers: OutgoingHttpHeaders, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/**
 * Runs one request through `target` in-process (no sockets) and returns the response as the client got it,
 * with what the fake upstream received. The target is built for this request and cleaned up afterwards; use
 * `createInjector` to send several requests to the same instances (rate limits, counters).
 */
export async function inject(target: InjectTarget, request: InjectRequest = {}, opts: InjectOptions = {}): Promise<InjectResponse> {
  const injector = await createInjector(target, opts);
  try {
    return await injector.inject(request);
  } finally {
    await injector.cleanup();
  }
}
