import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from '@portico/sdk';

/**
 * Holds a whole response back until it is complete, as oxy's buffer does: the head and the body written into
 * the client response are kept, then sent at once with their exact length — or, when the body grew past the
 * limit, replaced by Traefik's 500 (the client never sees part of an oversized response).
 *
 * Works on the one ServerResponse instance: while the response is captured, its writeHead/write/end/
 * flushHeaders resolve to capturing versions; the captured response is then replayed through the originals.
 */
interface Writable {
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  write(chunk: unknown, ...rest: unknown[]): boolean;
  end(...args: unknown[]): unknown;
  flushHeaders(): void;
}

/** Go's http.StatusText(500), what oxy's error handler writes. */
const OVERSIZED_BODY = Buffer.from('Internal Server Error');

interface Capture {
  head: { status: number; headers: OutgoingHttpHeaders } | null;
  chunks: Buffer[];
  size: number;
  overflow: boolean;
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer | null {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return null;
}

/** Whether a response to `method` with `status` carries a body (RFC 9110; oxy's expectBody). */
function bodyAllowed(method: string, status: number): boolean {
  return method !== 'HEAD' && !(status < 200 || status === 204 || status === 304);
}

/**
 * Starts capturing `ex`'s response; `max` bytes of body at most (0 = no limit). Call from a response-head
 * modifier: the head being written is the first thing captured.
 */
export function captureResponse(ex: Exchange, max: number): void {
  const response = ex.res;
  const capture: Capture = { head: null, chunks: [], size: 0, overflow: false };

  // The capturing methods live on a prototype inserted between the response and ServerResponse.prototype,
  // not on the instance: another middleware that shadows these methods with own properties and later
  // deletes them (contentType's sniffing) then falls through to the capture instead of bypassing it; and two
  // buffering middlewares stack, each replaying into the next one's capture.
  const proto = Object.getPrototypeOf(response) as object;
  const layer = Object.create(proto) as Writable;
  const append = (chunk: unknown, encoding: unknown) => {
    if (capture.overflow) return;
    const data = toBuffer(chunk, encoding);
    if (data === null || data.length === 0) return;
    capture.size += data.length;
    if (max > 0 && capture.size > max) {
      capture.overflow = true;
      capture.chunks = [];
      return;
    }
    capture.chunks.push(Buffer.from(data)); // a copy: the writer may reuse its buffer once write() returned
  };

  layer.writeHead = (status: number, headers: OutgoingHttpHeaders = {}) => {
    // A second head replaces the first answer (an upstream failing mid-body answered 502 instead): the body
    // captured so far belonged to the abandoned answer.
    capture.chunks = [];
    capture.size = 0;
    capture.overflow = false;
    capture.head = { status, headers };
    response.statusCode = status;
    return response;
  };
  layer.flushHeaders = () => {};
  layer.write = (chunk: unknown, ...rest: unknown[]) => {
    append(chunk, rest[0]);
    const cb = rest.find((a) => typeof a === 'function') as (() => void) | undefined;
    if (cb !== undefined) queueMicrotask(cb);
    return true;
  };
  layer.end = (...args: unknown[]) => {
    const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    if (args.length > 0 && typeof args[0] !== 'function') append(args[0], args[1]);
    Object.setPrototypeOf(response, proto);
    release(ex, capture, response as unknown as Writable);
    if (cb !== undefined) response.once('finish', cb);
    return response;
  };
  Object.setPrototypeOf(response, layer);
}

/** Sends the captured response (or the 500 that replaces an oversized one) through the restored methods. */
function release(ex: Exchange, capture: Capture, res: Writable): void {
  if (capture.overflow) {
    ex.status = 500;
    ex.bytesWritten = OVERSIZED_BODY.length;
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': OVERSIZED_BODY.length });
    res.end(ex.method === 'HEAD' ? undefined : OVERSIZED_BODY);
    return;
  }
  const body = capture.chunks.length === 1 ? capture.chunks[0] : Buffer.concat(capture.chunks, capture.size);
  if (capture.head !== null) {
    const { status, headers } = capture.head;
    // The whole body is known now: send it with its length instead of chunked (oxy sets ContentLength too).
    if (bodyAllowed(ex.method, status)) {
      delete headers['transfer-encoding'];
      headers['content-length'] = body.length;
    }
    res.writeHead(status, headers);
  }
  res.end(body.length > 0 ? body : undefined);
}
