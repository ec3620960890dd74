import type { IncomingMessage } from 'node:http';

/** Whether the request carries a body (the framing headers say so; Node has parsed them). */
export function hasRequestBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const cl = req.headers['content-length'];
  return cl !== undefined && cl !== '0';
}

/**
 * Reads the request body into memory when it is at most `limit` bytes, so every attempt can send it again.
 * Resolves null when the body is larger: a declared Content-Length is refused without reading anything; a
 * chunked body is read until it passes the limit and what was read is pushed back (`unshift`), so the request
 * can still be streamed to the upstream once — Traefik's peekedBody.
 *
 * Reads in paused mode ('readable' + read()): once the listener is removed the stream returns to its initial
 * state, so whoever consumes it next ('data', pipe, async iteration) starts it as usual.
 */
export function bufferBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (req.headers['transfer-encoding'] === undefined && Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('readable', onReadable);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = req.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        size += chunk.length;
        if (size > limit) {
          cleanup();
          req.unshift(Buffer.concat(chunks, size));
          resolve(null);
          return;
        }
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error('client aborted the request while its body was read'));
    req.on('readable', onReadable);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
