import { Readable, Writable } from 'node:stream';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Exchange } from '../http/exchange.js';

/**
 * A copy of a request for the mirrors of a mirroring service, taken before the main service runs (it may
 * change the exchange). Each mirror gets its own Exchange from it, so a child service may mutate it freely.
 */
export interface MirrorSnapshot {
  method: string;
  path: string;
  query: string | null;
  headers: IncomingHttpHeaders;
  entryPoint: string;
  clientIp: string;
  tls: boolean;
  appendXForwardedFor: boolean;
  /** The body mirrors send; null = no body (not mirrored, or the request had none). */
  body: Buffer | null;
}

export function snapshotOf(ex: Exchange): MirrorSnapshot {
  return {
    method: ex.method,
    path: ex.path,
    query: ex.query,
    headers: { ...ex.headers },
    entryPoint: ex.entryPoint,
    clientIp: ex.clientIp,
    tls: ex.tls,
    appendXForwardedFor: ex.appendXForwardedFor,
    body: null,
  };
}

/**
 * Builds the Exchange a mirror handles: a request with no stream of its own (the body, if any, is the
 * buffered copy in `ex.body`) and a response that discards everything written to it, so any service kind
 * (loadBalancer relay, weighted, nested mirroring) runs unchanged and the answer goes nowhere.
 */
export function mirrorExchange(snap: MirrorSnapshot): Exchange {
  const headers: IncomingHttpHeaders = { ...snap.headers };
  if (snap.body === null) {
    // No body goes with this copy: its framing headers must not announce one.
    delete headers['content-length'];
    delete headers['transfer-encoding'];
  }
  const req = Object.assign(new Readable({ read() { this.push(null); } }), {
    method: snap.method,
    url: snap.query === null ? snap.path : `${snap.path}?${snap.query}`,
    headers,
    httpVersion: '1.1',
  }) as unknown as IncomingMessage;
  const ex = new Exchange(req, new DiscardingResponse() as unknown as ServerResponse, snap.entryPoint, snap.clientIp, snap.tls, process.hrtime.bigint());
  ex.appendXForwardedFor = snap.appendXForwardedFor;
  ex.body = snap.body;
  return ex;
}

/** The part of ServerResponse the relay and Exchange use, writing into the void (Traefik's blackHoleResponseWriter). */
class DiscardingResponse extends Writable {
  headersSent = false;
  statusCode = 200;
  private head: OutgoingHttpHeaders = {};

  writeHead(status: number, headers?: OutgoingHttpHeaders): this {
    this.statusCode = status;
    if (headers !== undefined) this.head = headers;
    this.headersSent = true;
    return this;
  }

  flushHeaders(): void {}
  setHeader(name: string, value: number | string | string[]): this {
    this.head[name.toLowerCase()] = value;
    return this;
  }
  getHeader(name: string): number | string | string[] | undefined {
    return this.head[name.toLowerCase()] as number | string | string[] | undefined;
  }
  removeHeader(name: string): void {
    delete this.head[name.toLowerCase()];
  }
  hasHeader(name: string): boolean {
    return this.head[name.toLowerCase()] !== undefined;
  }

  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.headersSent = true;
    callback();
  }
}

export type BodyRead = { kind: 'buffered'; body: Buffer } | { kind: 'tooLarge' } | { kind: 'failed'; error: Error };

/**
 * Reads a request body for mirroring, up to `limit` bytes (-1: no limit). A body that turns out larger is not
 * mirrored: what was read is pushed back into the request (`unshift`) and the stream is left paused, so the
 * main service streams the whole body as if nothing had been read (the relay resumes it).
 */
export function readBodyUpTo(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (limit >= 0 && size > limit) {
        req.pause();
        cleanup();
        req.unshift(Buffer.concat(chunks, size));
        resolve({ kind: 'tooLarge' });
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ kind: 'buffered', body: Buffer.concat(chunks, size) });
    };
    const onError = (error: Error) => {
      cleanup();
      resolve({ kind: 'failed', error });
    };
    const onAborted = () => onError(new Error('client aborted the request'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('aborted', onAborted);
  });
}
