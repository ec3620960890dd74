import zlib from 'node:zlib';
import type { Transform } from 'node:stream';

/**
 * The compressors behind each content coding. Levels follow Traefik's writers: gzip level 6 (klauspost gzhttp's
 * default) and brotli quality 6 (andybalholm/brotli's default; Node's own default, 11, is far too slow per request).
 * zstd needs `zlib.createZstdCompress`, which Node 20 lacks (it appeared in Node 22.15/23.8): where it is missing
 * `zstd` stays accepted in the configuration but is never negotiated.
 */

export interface Encoder {
  readonly stream: Transform;
  /** Pushes out everything written so far as a complete block (for streams such as SSE). */
  flush(): void;
}

type ZstdFactory = (options?: Record<string, unknown>) => Transform & { flush(kind?: number): void };
const createZstd = (zlib as unknown as { createZstdCompress?: ZstdFactory }).createZstdCompress;

export const KNOWN_ENCODINGS = ['zstd', 'br', 'gzip'] as const;

export function canEncode(encoding: string): boolean {
  return encoding === 'gzip' || encoding === 'br' || (encoding === 'zstd' && createZstd !== undefined);
}

/** A new compressor for `encoding` (one of canEncode's). `sizeHint` is the body length when known. */
export function createEncoder(encoding: string, sizeHint?: number): Encoder {
  if (encoding === 'gzip') {
    const stream = zlib.createGzip({ level: 6 });
    return { stream, flush: () => stream.flush(zlib.constants.Z_SYNC_FLUSH) };
  }
  if (encoding === 'br') {
    const params: Record<number, number> = { [zlib.constants.BROTLI_PARAM_QUALITY]: 6 };
    if (sizeHint !== undefined) params[zlib.constants.BROTLI_PARAM_SIZE_HINT] = sizeHint;
    const stream = zlib.createBrotliCompress({ params });
    return { stream, flush: () => stream.flush(zlib.constants.BROTLI_OPERATION_FLUSH) };
  }
  if (encoding === 'zstd' && createZstd !== undefined) {
    const stream = createZstd();
    return { stream, flush: () => stream.flush() };
  }
  throw new Error(`compress: no encoder for ${encoding}`);
}
