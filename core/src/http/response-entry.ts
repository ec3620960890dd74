import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ResponseSink } from './response-layer.js';

/**
 * Makes a response's own write methods enter its layer stack, so every writer — the relay, `respond()`, a
 * piped upgrade answer, a third-party middleware calling `ex.res.end()` — goes through the layers without
 * knowing they exist. Installed once per request, by the kernel only, and only when a layer was registered:
 * without layers these methods are Node's, untouched (the relay's per-chunk path pays nothing).
 *
 * Node's argument forms are normalized here once (strings and encodings to Buffers, callbacks, writeHead's
 * status message and header forms, headers set earlier with setHeader), so layers only see Buffers and one
 * headers object.
 */
export interface ResponseMethods {
  writeHead: ServerResponse['writeHead'];
  write: (chunk: unknown, ...rest: unknown[]) => boolean;
  end: (...args: unknown[]) => unknown;
  flushHeaders: () => void;
}

/** The stack as the entry sees it (ResponsePipeline). */
export interface EntryTarget extends ResponseSink {
  headEntered: boolean;
  /** True once the writer ended the current answer (a new head — a replayed attempt — starts another). */
  writerEnded: boolean;
}

type Callback = (err?: Error | null) => void;

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}

/** Moves headers set with setHeader into the head object (so a layer can also remove them), then adds `extra`. */
function takeHeaders(res: ServerResponse, extra: unknown): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name of res.getHeaderNames()) {
    headers[name] = res.getHeader(name);
    res.removeHeader(name);
  }
  if (Array.isArray(extra)) {
    // Raw forms: [name, value, name, value] or [[name, value], …].
    const flat = Array.isArray(extra[0]) ? (extra as unknown[][]).flat() : extra;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const name = String(flat[i]).toLowerCase();
      const prev = headers[name];
      const value = flat[i + 1] as string;
      headers[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [String(prev)]), value];
    }
  } else if (extra !== null && typeof extra === 'object') {
    for (const [name, value] of Object.entries(extra as OutgoingHttpHeaders)) if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/**
 * Installs the entry on `res`; returns the methods it replaced (what the client sink calls). `sendHead` is the
 * exchange's, so a head written by hand still passes through whoever intercepts heads (retry).
 */
export function installResponseEntry(res: ServerResponse, stack: EntryTarget, sendHead: (status: number, headers: OutgoingHttpHeaders) => void): ResponseMethods {
  const r = res as unknown as ResponseMethods;
  const original: ResponseMethods = { writeHead: r.writeHead, write: r.write, end: r.end, flushHeaders: r.flushHeaders };
  const implicitHead = () => {
    if (!stack.headEntered) sendHead(res.statusCode, takeHeaders(res, undefined));
  };

  r.writeHead = ((status: number, reason?: unknown, headers?: unknown) => {
    if (typeof reason === 'string') res.statusMessage = reason;
    else headers = reason;
    sendHead(status, takeHeaders(res, headers));
    return res;
  }) as ServerResponse['writeHead'];
  r.write = (chunk: unknown, ...rest: unknown[]) => {
    if (stack.writerEnded) return false;
    implicitHead();
    const cb = rest.find((a) => typeof a === 'function') as Callback | undefined;
    const ok = stack.write(toBuffer(chunk, rest[0]));
    if (cb !== undefined) process.nextTick(cb);
    return ok;
  };
  r.end = (...args: unknown[]) => {
    if (stack.writerEnded) return res;
    implicitHead();
    const cb = args.find((a) => typeof a === 'function') as Callback | undefined;
    if (args.length > 0 && typeof args[0] !== 'function' && args[0] != null) {
      const data = toBuffer(args[0], args[1]);
      if (data.length > 0) stack.write(data);
    }
    if (cb !== undefined) res.once('finish', () => cb());
    stack.writerEnded = true;
    stack.end();
    return res;
  };
  r.flushHeaders = () => {
    implicitHead();
    stack.flush();
  };
  return original;
}
