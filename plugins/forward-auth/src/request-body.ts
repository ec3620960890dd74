import type { Exchange } from '@portico/sdk';

/**
 * forwardBody: the request body is read into memory (up to maxBodySize) so it can go to the authentication
 * server and then, unchanged, to the service (`ex.body`). Traefik reads maxBodySize+1 bytes and refuses the
 * request (401) when it gets them all.
 */
export const BODY_TOO_LARGE = Symbol('body too large');

function hasBody(ex: Exchange): boolean {
  const h = ex.req.headers;
  if (h['transfer-encoding'] !== undefined) return true;
  const len = h['content-length'];
  return len !== undefined && len !== '0';
}

/** The body (null when the request has none), or BODY_TOO_LARGE. Rejects when the client connection fails. */
export async function readRequestBody(ex: Exchange, maxBodySize: number): Promise<Buffer | null | typeof BODY_TOO_LARGE> {
  if (ex.body !== null) {
    if (maxBodySize >= 0 && ex.body.length > maxBodySize) return BODY_TOO_LARGE;
    return ex.body.length === 0 ? null : ex.body;
  }
  if (!hasBody(ex)) return null;
  const body = await collect(ex.req, maxBodySize);
  if (body === BODY_TOO_LARGE) return body;
  ex.body = body;
  return body.length === 0 ? null : body;
}

/**
 * Reads a stream up to `limit` bytes. Past the limit the rest is drained, not destroyed, so the answer (401)
 * can still go out on the same connection.
 */
function collect(stream: Exchange['req'], limit: number): Promise<Buffer | typeof BODY_TOO_LARGE> {
  if (stream.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (limit >= 0 && size > limit) {
        cleanup();
        stream.resume();
        resolve(BODY_TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    // The client went away before the end of its body.
    const onClose = () => onError(new Error('request body interrupted'));
    stream.on('data', onData);
    stream.once('close', onClose);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
