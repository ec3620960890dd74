/**
 * Test-side helpers: a client that keeps the body as bytes (the shared harness decodes it as UTF-8, which
 * compressed bodies do not survive), terminals that answer with bytes, and decoding by Content-Encoding.
 */
import http from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import zlib from 'node:zlib';
import type { Handler } from '@portico/sdk';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

export function rawRequest(port: number, req: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method: req.method ?? 'GET', path: '/', headers: req.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end();
  });
}

/** Traefik's test body generator: byte i is 0x61+i (mod 256). */
export function generateBytes(length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (0x61 + i) & 0xff;
  return b;
}

export interface BytesAnswer {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body?: Buffer;
  /** Send no Content-Length and write the body in these many pieces (a streamed upstream response). */
  chunks?: number;
}

/** A terminal answering with bytes through sendHead, as the relay does (lower-case names, Content-Length when sized). */
export function bytesUpstream(answer: BytesAnswer): { handler: Handler; seen: Array<Record<string, string | string[] | undefined>> } {
  const seen: Array<Record<string, string | string[] | undefined>> = [];
  const handler: Handler = (ex) => {
    seen.push({ ...ex.headers });
    const body = answer.body ?? Buffer.alloc(0);
    const headers: OutgoingHttpHeaders = {};
    if (answer.chunks === undefined) headers['content-length'] = body.length;
    for (const [k, v] of Object.entries(answer.headers ?? {})) headers[k.toLowerCase()] = v;
    ex.sendHead(answer.status ?? 200, headers);
    if (ex.method === 'HEAD') {
      ex.res.end();
      return;
    }
    if (answer.chunks === undefined) {
      ex.bytesWritten += body.length;
      ex.res.end(body);
      return;
    }
    ex.res.flushHeaders();
    const size = Math.ceil(body.length / answer.chunks);
    for (let i = 0; i < body.length; i += size) {
      const piece = body.subarray(i, i + size);
      ex.bytesWritten += piece.length;
      ex.res.write(piece);
    }
    ex.res.end();
  };
  return { handler, seen };
}

/** The body as the client application would see it after undoing Content-Encoding. */
export function decodeBody(res: RawResponse): Buffer {
  switch (res.headers['content-encoding']) {
    case undefined:
      return res.body;
    case 'gzip':
      return zlib.gunzipSync(res.body);
    case 'br':
      return zlib.brotliDecompressSync(res.body);
    default:
      throw new Error(`cannot decode ${String(res.headers['content-encoding'])}`);
  }
}
