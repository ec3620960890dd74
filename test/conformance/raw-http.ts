/**
 * A hand-written HTTP/1.1 client over a raw TCP socket: the request goes out byte for byte as the corpus
 * describes it (method case, request-target form, Host header present or not, repeated header lines), which no
 * HTTP library would do. The response is parsed just enough to compare status, headers and body.
 */
import { connect } from 'node:net';

export interface WireRequest {
  method: string;
  /** Request-target exactly as sent: origin-form path+query, or absolute-form. */
  target: string;
  /** Header lines in order (repeated names allowed). */
  headers: [string, string][];
  body?: string;
}

export interface WireResponse {
  status: number;
  reason: string;
  /** Header lines in order, names as received. */
  headers: [string, string][];
  body: Buffer;
}

/** The request's bytes. Non-ASCII text goes out as UTF-8, as Go's client writes strings. */
export function serializeRequest(req: WireRequest): Buffer {
  let head = `${req.method} ${req.target} HTTP/1.1\r\n`;
  for (const [name, value] of req.headers) head += `${name}: ${value}\r\n`;
  head += '\r\n';
  return Buffer.from(req.body === undefined ? head : head + req.body, 'utf8');
}

/** All values of a header (case-insensitive name), in order. */
export function headerValues(headers: [string, string][], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

export interface SendOptions {
  /** Source address to bind the client socket to (any 127.x.y.z works on Linux loopback). */
  localAddress?: string;
  timeoutMs?: number;
  /** The request was HEAD: the response has no body whatever its headers say. */
  head?: boolean;
}

/**
 * Sends `bytes` to 127.0.0.1:`port` and resolves with the first complete response. The socket is closed once
 * the response is complete (the request need not carry `Connection: close`).
 */
export function sendRaw(port: number, bytes: Buffer, options: SendOptions = {}): Promise<WireResponse> {
  const { timeoutMs = 10_000, head = false } = options;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: options.localAddress });
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | undefined, res?: WireResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(
      () => finish(new Error(`no complete response within ${timeoutMs} ms (received ${buf.length} bytes: ${snippet(buf)})`)),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const parsed = parseResponse(buf, head, false);
        if (parsed) finish(undefined, parsed);
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('end', () => {
      try {
        const parsed = parseResponse(buf, head, true);
        if (parsed) finish(undefined, parsed);
        else finish(new Error(buf.length === 0 ? 'connection closed without a response' : `connection closed mid-response: ${snippet(buf)}`));
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('error', (err) => {
      // A reset right after a complete response (e.g. an error answer followed by close) still counts.
      try {
        const parsed = parseResponse(buf, head, true);
        if (parsed) return finish(undefined, parsed);
      } catch {
        // fall through to the socket error
      }
      finish(new Error(`socket error: ${err.message}${buf.length ? ` after ${snippet(buf)}` : ''}`));
    });
  });
}

function snippet(buf: Buffer): string {
  return JSON.stringify(buf.subarray(0, 200).toString('latin1'));
}

/**
 * Parses one response from `buf`: the response, or undefined when more bytes are needed. `ended` = the peer
 * closed, so a body without framing ends here. Interim 1xx responses are skipped.
 */
export function parseResponse(buf: Buffer, head: boolean, ended: boolean): WireResponse | undefined {
  let start = 0;
  for (;;) {
    const headEnd = buf.indexOf('\r\n\r\n', start, 'latin1');
    if (headEnd === -1) return undefined;
    const lines = buf.subarray(start, headEnd).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
    if (!m) throw new Error(`malformed status line ${JSON.stringify(lines[0])}`);
    const status = Number(m[1]);
    const headers: [string, string][] = lines.slice(1).map((line) => {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`malformed header line ${JSON.stringify(line)}`);
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
    const bodyStart = headEnd + 4;
    if (status >= 100 && status < 200 && status !== 101) {
      start = bodyStart;
      continue;
    }
    const res = (body: Buffer): WireResponse => ({ status, reason: m[2] ?? '', headers, body });
    if (head || status === 204 || status === 304) return res(Buffer.alloc(0));
    const te = headerValues(headers, 'transfer-encoding').join(',').toLowerCase();
    if (te.includes('chunked')) {
      const body = decodeChunked(buf.subarray(bodyStart));
      return body === undefined ? undefined : res(body);
    }
    const cl = headerValues(headers, 'content-length')[0];
    if (cl !== undefined) {
      const length = Number(cl);
      if (!Number.isInteger(length) || length < 0) throw new Error(`bad Content-Length ${JSON.stringify(cl)}`);
      return buf.length - bodyStart >= length ? res(buf.subarray(bodyStart, bodyStart + length)) : undefined;
    }
    return ended ? res(buf.subarray(bodyStart)) : undefined;
  }
}

/** The body of a chunked message, or undefined while the last chunk has not arrived. */
function decodeChunked(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', pos, 'latin1');
    if (lineEnd === -1) return undefined;
    const size = parseInt(data.subarray(pos, lineEnd).toString('latin1').split(';')[0].trim(), 16);
    if (Number.isNaN(size)) throw new Error('malformed chunk size');
    if (size === 0) {
      // The last-chunk line is followed by optional trailer lines and an empty line.
      return data.indexOf('\r\n\r\n', lineEnd, 'latin1') === -1 ? undefined : Buffer.concat(parts);
    }
    const chunkStart = lineEnd + 2;
    if (data.length < chunkStart + size + 2) return undefined;
    parts.push(data.subarray(chunkStart, chunkStart + size));
    pos = chunkStart + size + 2;
  }
}
