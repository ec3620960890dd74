import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Exchange } from '@portico/sdk';
import { createEncoder, type Encoder } from './encoders.js';
import { deleteHeader } from './headers.js';

/**
 * Puts a compressor between the handler writing the body and the client socket, on the one ServerResponse
 * instance: its writeHead/write/end/flushHeaders are shadowed by own properties that call the methods found
 * there before (the prototype's, or another middleware's shadows).
 *
 * - `decided: true` (Content-Length known and large enough): the head passed to sendHead already says
 *   Content-Encoding; every body byte goes through the compressor.
 * - `decided: false` (length unknown): the head is held and the first bytes buffered, as Traefik's writer
 *   does, until `minSize` bytes arrived (compress) or the body ended below it (send it as is). A Go reverse
 *   proxy flushes after every write of an unsized response, and a flush forces compression to start; the
 *   same happens here when the event loop turns with bytes buffered, so a stream (SSE) never stalls.
 *
 * Unsized responses are flushed through the compressor after each write, as Go's proxy flushes them.
 * `ex.bytesWritten` ends up counting the bytes actually sent (compressed), as Traefik's access log does.
 */

interface Methods {
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  write(chunk: unknown, ...rest: unknown[]): boolean;
  end(...args: unknown[]): unknown;
  flushHeaders(): void;
}

type Callback = (err?: Error | null) => void;

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}

/** Splits Node's (chunk, encoding?, callback?) argument forms. */
function writeArgs(args: unknown[]): { data: Buffer; cb: Callback | undefined } {
  const fn = args.findIndex((a) => typeof a === 'function');
  const cb = fn === -1 ? undefined : (args[fn] as Callback);
  const data = fn === 0 || args.length === 0 ? Buffer.alloc(0) : toBuffer(args[0], fn === 1 ? undefined : args[1]);
  return { data, cb };
}

export interface InterceptOptions {
  ex: Exchange;
  encoding: string;
  minSize: number;
  /** True when the head passed to sendHead has no Content-Length: flush after each write. */
  streaming: boolean;
  /** Compress from the first byte (the head was already rewritten), or decide on the first bytes. */
  decided: boolean;
  sizeHint?: number;
}

export function interceptBody(opts: InterceptOptions): void {
  const { ex, encoding, minSize, streaming } = opts;
  const response: ServerResponse = ex.res;
  const res = response as unknown as Methods & Record<string, unknown>;
  const prev: Methods = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  const hadOwn = ['writeHead', 'write', 'end', 'flushHeaders'].filter((k) => Object.hasOwn(res, k));
  const restore = () => {
    for (const k of ['writeHead', 'write', 'end', 'flushHeaders'] as const) {
      if (hadOwn.includes(k)) (res as Record<string, unknown>)[k] = prev[k];
      else delete (res as Record<string, unknown>)[k];
    }
  };

  let held: { status: number; headers: OutgoingHttpHeaders } | null = null;
  let buffered: Buffer[] = [];
  let bufferedLen = 0;
  let encoder: Encoder | null = null;
  let flushScheduled = false;
  let ended = false;

  const sendToClient = (chunk: Buffer): boolean => {
    ex.bytesWritten += chunk.length;
    return prev.write.call(response, chunk);
  };

  const startEncoder = (): Encoder => {
    const enc = createEncoder(encoding, opts.sizeHint);
    enc.stream.on('data', (c: Buffer) => {
      if (!sendToClient(c)) {
        enc.stream.pause();
        response.once('drain', () => enc.stream.resume());
      }
    });
    // The handler sees backpressure through res: relay a drained compressor as a drained response.
    enc.stream.on('drain', () => response.emit('drain'));
    enc.stream.once('end', () => prev.end.call(response));
    enc.stream.once('error', (err: Error) => response.destroy(err));
    return enc;
  };

  /** Sends the held head as compressed and the buffered bytes into the compressor. */
  const beginCompression = () => {
    if (held !== null) {
      deleteHeader(held.headers, 'content-length');
      deleteHeader(held.headers, 'content-encoding');
      held.headers['content-encoding'] = encoding;
      prev.writeHead.call(response, held.status, held.headers);
      held = null;
    }
    encoder = startEncoder();
    for (const b of buffered) encoder.stream.write(b);
    buffered = [];
    bufferedLen = 0;
    if (streaming) encoder.flush();
  };

  /** The body ended below minSize: the response goes out untouched (with its length, now known). */
  const sendPlain = (cb: Callback | undefined) => {
    restore();
    const body = Buffer.concat(buffered);
    buffered = [];
    if (held !== null) {
      deleteHeader(held.headers, 'content-length');
      held.headers['content-length'] = body.length;
      prev.writeHead.call(response, held.status, held.headers);
      held = null;
    }
    ex.bytesWritten += body.length;
    return cb === undefined ? prev.end.call(response, body) : prev.end.call(response, body, cb);
  };

  const scheduleFlush = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      if (encoder === null && !ended && bufferedLen > 0 && !response.destroyed) beginCompression();
    });
  };

  if (opts.decided) encoder = startEncoder();
  else {
    res.writeHead = (status: number, headers: OutgoingHttpHeaders = {}) => {
      held = { status, headers };
      response.statusCode = status;
      return response;
    };
    // Traefik's writer ignores a flush before any data: the head waits for the first bytes.
    res.flushHeaders = () => {};
  }

  res.write = (...args: unknown[]) => {
    const { data, cb } = writeArgs(args);
    ex.bytesWritten -= data.length; // counted again as what is actually sent
    if (cb !== undefined) process.nextTick(cb);
    if (encoder === null) {
      if (data.length > 0) {
        buffered.push(data);
        bufferedLen += data.length;
      }
      if (bufferedLen >= minSize) beginCompression();
      else if (bufferedLen > 0) scheduleFlush();
      return true;
    }
    const enc: Encoder = encoder;
    const ok = data.length === 0 || enc.stream.write(data);
    if (streaming) enc.flush();
    return ok && !response.writableNeedDrain;
  };

  res.end = (...args: unknown[]) => {
    const { data, cb } = writeArgs(args);
    ex.bytesWritten -= data.length;
    if (ended) return response;
    ended = true;
    if (cb !== undefined) response.once('finish', () => cb());
    if (encoder === null) {
      if (data.length > 0) {
        buffered.push(data);
        bufferedLen += data.length;
      }
      if (bufferedLen < minSize) return sendPlain(undefined);
      beginCompression();
    }
    const enc = encoder as unknown as Encoder;
    enc.stream.end(data.length > 0 ? data : undefined);
    return response;
  };
}
