import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { channel } from 'node:diagnostics_channel';
import type { Logger } from 'pino';
import { statusText, type Exchange, type Handler } from '../http/exchange.js';
import { answerFailure } from '../http/answer-failure.js';
import type { ForwardedHeadersOptions } from '../proxy/forwarded-headers.js';
import { normalizeIp } from '../proxy/ip-match.js';
import { parseListenAddress } from '../config/static/address.js';
import { buildExchangeStarter, runHandler, type ExchangeStarter } from './request-pipeline.js';

/** Published when a response is complete (access log, metrics). Subscribers pay; nobody else does. */
export const requestEndChannel = channel('portico:request:end');

export interface HttpEntryPointOptions {
  name: string;
  address: string;
  forwardedHeaders: ForwardedHeadersOptions & { notAppendXForwardedFor?: boolean };
  /** ms; 0 disables. Traefik defaults: read 60s, write 0, idle 180s. */
  readTimeoutMs: number;
  writeTimeoutMs: number;
  idleTimeoutMs: number;
  maxHeaderBytes: number;
  keepAliveMaxRequests: number;
  /** http.sanitizePath: clean `//`, `/./`, `/../` before routing (Traefik's default: true). */
  sanitizePath: boolean;
  log: Logger;
}

/**
 * One HTTP entrypoint: a node:http server whose request handler is swapped atomically on reload. Requests
 * already running keep the handler they started with; new ones get the new generation.
 */
export class HttpEntryPoint {
  /** The current generation's router for this entrypoint. Replaced as a whole on reload. */
  handler: Handler;
  readonly server: Server;
  private readonly startExchange: ExchangeStarter;
  /** Upgraded (WebSocket) connections: node:http no longer tracks them, so shutdown must close them itself. */
  private readonly upgraded = new Set<Duplex>();

  constructor(private readonly opts: HttpEntryPointOptions, initial: Handler) {
    this.handler = initial;
    this.startExchange = buildExchangeStarter({ entryPoint: opts.name, forwardedHeaders: opts.forwardedHeaders, sanitizePath: opts.sanitizePath, tls: false });
    this.server = createServer({
      requestTimeout: opts.readTimeoutMs,
      headersTimeout: opts.readTimeoutMs > 0 ? Math.min(opts.readTimeoutMs, 60_000) : 60_000,
      keepAliveTimeout: opts.idleTimeoutMs,
      maxHeaderSize: opts.maxHeaderBytes,
      noDelay: true,
    });
    if (opts.keepAliveMaxRequests > 0) this.server.maxRequestsPerSocket = opts.keepAliveMaxRequests;
    this.server.on('request', (req, res) => this.onRequest(req, res, null));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const res = new ServerResponse(req);
      res.assignSocket(socket as never);
      res.shouldKeepAlive = false;
      socket.on('error', () => socket.destroy());
      this.upgraded.add(socket);
      socket.once('close', () => this.upgraded.delete(socket));
      this.onRequest(req, res, { socket, head });
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      // Malformed requests never reach routing: answer as Go's server does and close.
      if (!socket.writable) return socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const text = statusText[status] ?? 'Bad Request';
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status} ${text}`);
    });
  }

  get name(): string {
    return this.opts.name;
  }

  async listen(): Promise<string> {
    const { host: h, port } = parseListenAddress(this.opts.address);
    const host = h === '' ? undefined : h;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : String(a);
  }

  /** Stops accepting, lets in-flight requests finish within the grace period, then cuts the rest. */
  async close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive connections busy now become idle later: close them as soon as they are, not after idleTimeout.
    this.server.closeIdleConnections();
    const sweeper = setInterval(() => this.server.closeIdleConnections(), 50);
    const timer = setTimeout(() => {
      this.server.closeAllConnections();
      for (const socket of this.upgraded) socket.destroy();
    }, graceMs);
    await closed;
    clearTimeout(timer);
    clearInterval(sweeper);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse, upgrade: Exchange['upgrade']): void {
    const ex = this.startExchange(req, res, normalizeIp(req.socket.remoteAddress ?? ''), upgrade);
    if (this.opts.writeTimeoutMs > 0) res.setTimeout(this.opts.writeTimeoutMs, () => res.destroy());
    if (requestEndChannel.hasSubscribers) res.once('close', () => requestEndChannel.publish(ex));
    runHandler(this.handler, ex, this.fail);
  }

  /** Last resort for a request whose handler failed: the status the error calls for, or 500. Never a hang. */
  private readonly fail = (ex: Exchange, err: unknown): void => {
    if (answerFailure(ex, err) === 'upstream') {
      this.opts.log.debug({ err: (err as Error).message, router: ex.routerName, service: ex.serviceName }, 'upstream error');
    } else {
      this.opts.log.error({ err, router: ex.routerName, path: ex.path }, 'request handler failed');
    }
  };
}
