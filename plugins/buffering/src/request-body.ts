import type { IncomingMessage } from 'node:http';

/**
 * Reading a whole request body with a size limit, as oxy's buffer does before calling the next handler:
 * a declared Content-Length over the limit is refused before reading anything; a body that grows past the
 * limit while arriving (chunked, or a lying length) is refused as soon as it does.
 */
export type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

const TOO_LARGE: BodyRead = { ok: false, reason: 'too-large' };
const ABORTED: BodyRead = { ok: false, reason: 'aborted' };

/** True when the request announces a body larger than `max` (0 = no limit). */
export function declaredTooLarge(req: IncomingMessage, max: number): boolean {
  if (max <= 0) return false;
  const cl = req.headers['content-length'];
  return cl !== undefined && Number(cl) > max;
}

/** Reads `req` to the end; stops (and lets the rest be discarded) once more than `max` bytes arrived. */
export function readBody(req: IncomingMessage, max: number): Promise<BodyRead> {
  if (req.readableEnded) return Promise.resolve({ ok: true, body: Buffer.alloc(0) });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (max > 0 && size > max) {
        cleanup();
        // Keep consuming so the connection can carry the 413 and stay usable; the bytes are dropped.
        req.resume();
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) });
    };
    const onAbort = () => {
      cleanup();
      resolve(ABORTED);
    };
    const onClose = () => {
      if (!req.readableEnded) onAbort();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}
