import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { detectContentType } from './sniff.js';

/**
 * Holds back a response head that has no Content-Type until the first body bytes are written, then sets the
 * type Go's server would sniff from them (what `net/http` does when a handler leaves Content-Type unset).
 * An empty body gets no type. Works on the one ServerResponse instance: its writeHead/write/end/flushHeaders
 * are shadowed until the head goes out, then whatever was there before is back.
 */
interface Writable {
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  write(chunk: unknown, ...rest: unknown[]): boolean;
  end(...args: unknown[]): unknown;
  flushHeaders(): void;
}

function firstBytes(chunk: unknown, encoding: unknown): Buffer | null {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return null;
}

export function sniffOnFirstWrite(response: ServerResponse): void {
  const res = response as unknown as Writable & Record<string, unknown>;
  let head: { status: number; headers: OutgoingHttpHeaders } | null = null;

  // Put back exactly what was there (an own override by another layer, or nothing), so layers stack in any order.
  const names = ['writeHead', 'write', 'end', 'flushHeaders'] as const;
  const previous = names.map((n) => Object.getOwnPropertyDescriptor(res, n));
  const restore = () => {
    names.forEach((n, i) => {
      const d = previous[i];
      if (d === undefined) delete res[n];
      else Object.defineProperty(res, n, d);
    });
  };
  const sendHead = (chunk: unknown, encoding: unknown) => {
    restore();
    if (head === null) return; // writeHead was never called: Node writes an implicit head itself
    const data = firstBytes(chunk, encoding);
    if (data !== null && data.length > 0) head.headers['content-type'] = detectContentType(data);
    res.writeHead(head.status, head.headers);
  };

  res.writeHead = (status: number, headers: OutgoingHttpHeaders = {}) => {
    head = { status, headers };
    response.statusCode = status;
    return response;
  };
  // A stream's head may be flushed before any data: Go's server still waits for the first write to sniff.
  res.flushHeaders = () => {};
  res.write = (chunk: unknown, ...rest: unknown[]) => {
    sendHead(chunk, rest[0]);
    return res.write(chunk, ...rest);
  };
  res.end = (...args: unknown[]) => {
    sendHead(typeof args[0] === 'function' ? undefined : args[0], args[1]);
    return res.end(...args);
  };
}
