import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from '@portico/sdk';
import { createEncoder, type Encoder } from './encoders.js';
import { addVaryAcceptEncoding, contentLength, deleteHeader, headerString } from './headers.js';

type LayerFactory = Parameters<Exchange['wrapResponse']>[0];

/**
 * The compress response layer. On the head it decides, as Traefik's writer does:
 * - pass through: no body (HEAD, 1xx/204/304), already encoded, a type not allowed, or a known length below
 *   `minSize`;
 * - compress from the first byte: a known length at or above `minSize` (the head goes out at once, with
 *   Content-Encoding and without Content-Length);
 * - undecided: the length is unknown, so the head is held and the first bytes buffered until `minSize` bytes
 *   arrived (compress) or the body ended below it (sent as is, with its length). A stream still open when the
 *   event loop turns, or flushed by its writer, starts compressing then, so SSE never stalls.
 *
 * Unsized responses are flushed through the compressor after each write, as Go's reverse proxy flushes them
 * (Traefik's compressed stream follows the upstream's flushes). Backpressure runs both ways: the compressor is
 * paused while the client is slow, and the layer's `write` returns false while the compressor is full.
 */
export interface CompressionPolicy {
  encoding: string;
  minSize: number;
  /** Whether a response with this Content-Type may be compressed. */
  typeAllowed(contentType: string): boolean;
}

/** Go's bodyAllowedForStatus: 1xx, 204 and 304 carry no body. */
function bodyAllowed(status: number): boolean {
  return !(status < 200 || status === 204 || status === 304);
}

type Mode = 'pass' | 'hold' | 'compress';

export function compressingLayer(policy: CompressionPolicy): LayerFactory {
  const { encoding, minSize } = policy;
  return (down) => {
    const ex = down.exchange;
    let mode: Mode = 'pass';
    let held: { status: number; headers: OutgoingHttpHeaders } | null = null;
    let buffered: Buffer[] = [];
    let bufferedLen = 0;
    let encoder: Encoder | null = null;
    let streaming = false;
    let ended = false;
    let timer: NodeJS.Immediate | null = null;

    const startEncoder = (sizeHint?: number): Encoder => {
      const enc = createEncoder(encoding, sizeHint);
      enc.stream.on('data', (c: Buffer) => {
        if (!down.write(c)) {
          enc.stream.pause();
          down.onDrain(() => enc.stream.resume());
        }
      });
      // The writer above sees the compressor's backpressure: a drained compressor is a drained layer.
      enc.stream.on('drain', () => down.drained());
      enc.stream.once('end', () => down.end());
      enc.stream.once('error', (err: Error) => down.fail(err));
      return enc;
    };

    const dropEncoder = () => {
      if (timer !== null) clearImmediate(timer);
      timer = null;
      if (encoder !== null) {
        encoder.stream.removeAllListeners('data').removeAllListeners('end').removeAllListeners('drain');
        encoder.stream.on('error', () => {});
        encoder.stream.destroy();
        encoder = null;
      }
      buffered = [];
      bufferedLen = 0;
    };

    /** Sends the held head as compressed, and the buffered bytes into the compressor. */
    const beginCompression = (sizeHint?: number) => {
      if (timer !== null) clearImmediate(timer);
      timer = null;
      mode = 'compress';
      const h = held!;
      held = null;
      deleteHeader(h.headers, 'content-length');
      deleteHeader(h.headers, 'content-encoding');
      h.headers['content-encoding'] = encoding;
      down.head(h.status, h.headers);
      const enc = (encoder = startEncoder(sizeHint));
      for (const b of buffered) enc.stream.write(b);
      buffered = [];
      bufferedLen = 0;
      if (streaming) enc.flush();
    };

    /** The body ended below minSize: it goes out untouched, with its length (now known). */
    const sendPlain = () => {
      mode = 'pass';
      const h = held!;
      held = null;
      const body = buffered.length === 1 ? buffered[0] : Buffer.concat(buffered, bufferedLen);
      buffered = [];
      deleteHeader(h.headers, 'content-length');
      h.headers['content-length'] = body.length;
      down.head(h.status, h.headers);
      if (body.length > 0) down.write(body);
      down.end();
    };

    /** A stream still open when the loop turns compresses what it has, as Go's proxy flush would force. */
    const scheduleStart = () => {
      if (timer !== null) return;
      timer = setImmediate(() => {
        timer = null;
        if (mode === 'hold' && !ended && bufferedLen > 0 && !ex.res.destroyed) beginCompression();
      });
    };

    return {
      head(status, headers) {
        // A second head replaces the first answer (an upstream failing mid-body answered 502 instead).
        dropEncoder();
        ended = false;
        addVaryAcceptEncoding(headers);
        const length = contentLength(headers);
        streaming = length === undefined;
        if (
          !bodyAllowed(status) ||
          ex.method === 'HEAD' ||
          headerString(headers, 'content-encoding') !== '' ||
          !policy.typeAllowed(headerString(headers, 'content-type')) ||
          (length !== undefined && length < minSize)
        ) {
          mode = 'pass';
          down.head(status, headers);
          return;
        }
        held = { status, headers };
        if (length === undefined) {
          mode = 'hold';
          return;
        }
        beginCompression(length);
      },
      write(chunk) {
        if (mode === 'pass') return down.write(chunk);
        if (mode === 'hold') {
          if (chunk.length > 0) {
            buffered.push(chunk);
            bufferedLen += chunk.length;
          }
          if (bufferedLen >= minSize) beginCompression();
          else if (bufferedLen > 0) scheduleStart();
          return true;
        }
        const enc = encoder!;
        const ok = chunk.length === 0 || enc.stream.write(chunk);
        if (streaming) enc.flush();
        return ok;
      },
      flush() {
        if (mode === 'pass') down.flush();
        else if (mode === 'hold') {
          // Traefik's writer ignores a flush before any data: the head waits for the first bytes.
          if (bufferedLen > 0) beginCompression();
        } else encoder!.flush();
      },
      end() {
        if (ended) return;
        ended = true;
        if (mode === 'pass') return down.end();
        if (mode === 'hold') {
          if (bufferedLen < minSize) return sendPlain();
          beginCompression();
        }
        encoder!.stream.end();
      },
      abort() {
        dropEncoder();
      },
    };
  };
}
