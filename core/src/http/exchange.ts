import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders, IncomingHttpHeaders } from 'node:http';
import type { ResponseLayerFactory } from './response-layer.js';
import { layerEntry, layerOf, ResponsePipeline } from './response-pipeline.js';

/**
 * A response-header modifier a middleware registers for the current request. It runs once, just before the
 * status line and headers are written, whoever writes them (the upstream relay or another middleware), so a
 * `headers` middleware placed before `basicAuth` also decorates the 401 — as Traefik's wrapped writer does.
 */
export type ResponseModifier = (status: number, headers: OutgoingHttpHeaders, ex: Exchange) => void;

/**
 * One request as the proxy and its middlewares see it. Built once per request by the entrypoint; middlewares
 * mutate `path`, `query` and `headers` (what the upstream will receive) and answer through `respond()`/`sendHead()`.
 *
 * Plain mutable fields rather than accessors: this object is on the hot path and is read many times.
 */
export class Exchange {
  /** Request path as sent upstream, escaped form (e.g. `/a%2Fb`), without the query. */
  path: string;
  /** Raw query string without the leading `?`; `null` when the request had none. */
  query: string | null;
  /** Request headers that will be forwarded (Node's lower-cased object; middlewares may mutate it). */
  headers: IncomingHttpHeaders;
  /** Router and service that handle this request (set by the router, for logs and the API). */
  routerName = '';
  serviceName = '';
  /** The upstream server URL finally used (set by the load balancer; for access logs). */
  upstreamUrl = '';
  /** Number of retries performed (retry middleware); surfaced in access logs. */
  retryAttempts = 0;
  /** Response status actually written to the client, 0 until the head is sent. */
  status = 0;
  /** Response body bytes written to the client (access log DownstreamContentSize). */
  bytesWritten = 0;
  /** Authenticated user, when an auth middleware set one (access log `ClientUsername`). */
  user = '';
  /**
   * Request body to send upstream instead of streaming `req`: set by middlewares that had to read the body
   * (retry replay, buffering). `null` means stream the client's body as it arrives.
   */
  body: Buffer | null = null;
  /** False when the entrypoint has forwardedHeaders.notAppendXForwardedFor: the client IP is not appended. */
  appendXForwardedFor = true;
  /** Set for protocol upgrades (WebSocket): the client socket and the bytes read past the request head. */
  upgrade: { socket: import('node:stream').Duplex; head: Buffer } | null = null;
  /** Free slot for middlewares that must carry data along a request (keyed by plugin name). */
  locals: Record<string, unknown> | null = null;
  private modifiers: ResponseModifier[] | null = null;
  /** The response layer stack; null until a middleware registers a layer (most requests never have one). */
  private pipeline: ResponsePipeline | null = null;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** Name of the entrypoint that accepted the request. */
    readonly entryPoint: string,
    /** Client IP address (the socket peer; forwarded headers do not change it). */
    readonly clientIp: string,
    /** True when the client connection is TLS. */
    readonly tls: boolean,
    /** Monotonic start time (process.hrtime.bigint()), for durations. */
    readonly startedAt: bigint,
  ) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.path = q === -1 ? url : url.slice(0, q);
    this.query = q === -1 ? null : url.slice(q + 1);
    this.headers = req.headers;
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  /** Host the client asked for: the Host header (port included), as Traefik's `req.Host`. */
  get host(): string {
    return this.req.headers.host ?? '';
  }

  /** Request-target to send upstream: path plus query. An empty path (everything stripped) is sent as `/`, as Go's RequestURI does. */
  get pathAndQuery(): string {
    const path = this.path === '' ? '/' : this.path;
    return this.query === null ? path : `${path}?${this.query}`;
  }

  /**
   * Registers a modifier for the response head of this request (see ResponseModifier). Layers registered with
   * `wrapResponse` travel through here too, so the two keep their chain order (and whoever scopes modifiers,
   * such as retry's attempts, scopes layers as well).
   */
  onResponseHead(modifier: ResponseModifier): void {
    if (this.pipeline !== null) {
      this.pipeline.add(modifier);
      return;
    }
    if (layerOf(modifier) === undefined) {
      (this.modifiers ??= []).push(modifier);
      return;
    }
    this.pipeline = new ResponsePipeline(this, this.modifiers);
    this.modifiers = null;
    this.pipeline.add(modifier);
  }

  /**
   * Puts a response layer between whatever writes this response and the client (see response-layer.ts): it
   * sees the head, each body chunk, flushes and the end, and may change, hold or replace them. Layers stack in
   * chain order: the middleware closest to the client is the outermost layer. Skipped for 101 upgrades.
   */
  wrapResponse(create: ResponseLayerFactory): void {
    this.onResponseHead(layerEntry(create));
  }

  /** A mark of the response modifiers and layers registered so far, for `rewindResponse`. */
  responseCheckpoint(): number {
    return this.pipeline !== null ? -1 - this.pipeline.checkpoint() : (this.modifiers?.length ?? 0);
  }

  /**
   * Forgets the modifiers and layers registered since `checkpoint`: a middleware that replays the rest of the
   * chain (buffering's retryExpression) calls it before each new attempt, so the inner middlewares' layers are
   * not stacked twice. Only valid before a head left the stack below the checkpoint.
   */
  rewindResponse(checkpoint: number): void {
    // A checkpoint taken before the stack existed is depth 0 with `checkpoint` modifiers (same encoding).
    if (this.pipeline !== null) this.pipeline.rewind(checkpoint < 0 ? -1 - checkpoint : checkpoint);
    else if (this.modifiers !== null) this.modifiers.length = Math.min(this.modifiers.length, checkpoint);
  }

  /** True once the status line has gone to the client: nothing can be retried or replaced after that. */
  get headSent(): boolean {
    return this.res.headersSent;
  }

  /**
   * Writes the response head through the registered modifiers (innermost middleware first) and layers.
   * Every response — proxied or answered by a middleware — goes through here.
   */
  sendHead(status: number, headers: OutgoingHttpHeaders): void {
    if (this.pipeline !== null) {
      this.pipeline.head(status, headers);
      return;
    }
    this.applyResponseModifiers(status, headers);
    this.status = status;
    this.res.writeHead(status, headers);
  }

  /**
   * Runs (once) the registered response modifiers on a head about to be written by other means: a 101 upgrade
   * answer, which layers never see (a WebSocket stream is not a body to compress or buffer).
   */
  applyResponseModifiers(status: number, headers: OutgoingHttpHeaders): void {
    if (this.pipeline !== null) {
      this.pipeline.applyModifiersOnly(status, headers);
      return;
    }
    const mods = this.modifiers;
    if (mods !== null) {
      this.modifiers = null;
      for (let i = mods.length - 1; i >= 0; i--) mods[i](status, headers, this);
    }
  }

  /** Answers the request with a complete small response (errors, redirects, auth challenges). */
  respond(status: number, body: string | Buffer = '', headers: OutgoingHttpHeaders = {}): void {
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    if (headers['content-type'] === undefined && buf.length > 0) headers['content-type'] = 'text/plain; charset=utf-8';
    headers['content-length'] = buf.length;
    this.sendHead(status, headers);
    if (this.method === 'HEAD') this.res.end();
    else {
      this.bytesWritten += buf.length;
      this.res.end(buf);
    }
  }
}

/** A request handler: the end of a middleware chain, or a chain itself. May complete synchronously. */
export type Handler = (ex: Exchange) => void | Promise<void>;

/** A middleware as built at configuration time: wraps the next handler into a new one. */
export type MiddlewareFactory = (next: Handler) => Handler;

/** Standard status texts reused by error responses (Go's http.StatusText wording, as Traefik writes it). */
export const statusText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
