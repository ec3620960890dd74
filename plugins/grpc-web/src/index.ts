import { defineMiddleware, s } from '@portico/sdk';
import type { Exchange, Handler } from '@portico/sdk';
import { addActualCorsHeaders, isGrpcWebPreflight, originCheck, preflightHeaders, type OriginCheck } from './cors.js';
import { Base64Encoder, decodeTextBody, isGrpcWebRequest, toGrpcRequestHeaders, toGrpcWebResponseHeaders, trailerFrame } from './codec.js';

/**
 * grpcWeb (Traefik pkg/middlewares/grpcweb, improbable-eng/grpc-web's wrapper): lets browsers call gRPC
 * services. A gRPC-Web request (POST application/grpc-web[+proto], or the base64 grpc-web-text variant) is
 * forwarded as gRPC (application/grpc); the answer goes back as gRPC-Web — same messages, the gRPC trailers
 * appended as a trailer frame, base64 for text clients — with CORS for the allowed origins (preflights
 * answered here). Other requests pass through untouched.
 *
 * A real gRPC upstream speaks HTTP/2; the service must reach it over h2c/h2 (serversTransports).
 */
const schema = s.object({
  allowOrigins: s.optional(
    s.array(s.string(), { default: [], description: 'Origins allowed to call through CORS (`*` allows any). Requests without an allowed origin are still translated, without CORS headers.' }),
  ),
});

/** Largest grpc-web-text request body decoded in memory (base64 needs the whole body before forwarding). */
export const MAX_TEXT_BODY_BYTES = 16 * 1024 * 1024;

export const grpcWeb = defineMiddleware({
  type: 'grpcWeb',
  description: 'Translates gRPC-Web requests from browsers into gRPC for the upstream, and the answers back.',
  schema,

  build(config) {
    const allowed = originCheck(config.allowOrigins ?? []);
    return (next: Handler): Handler =>
      (ex) => {
        if (isGrpcWebPreflight(ex.method, ex.headers)) {
          // Answered here, as rs/cors does without OptionPassthrough: the upstream never sees the preflight.
          ex.respond(204, '', preflightHeaders(ex.headers, allowed));
          return;
        }
        if (!isGrpcWebRequest(ex.method, ex.headers['content-type'] as string | undefined)) return next(ex);
        return translate(ex, next, allowed);
      };
  },
});

function translate(ex: Exchange, next: Handler, allowed: OriginCheck): void | Promise<void> {
  const origin = ex.headers.origin;
  const { text } = toGrpcRequestHeaders(ex.headers);
  if (!text) {
    wrapAsGrpcWeb(ex, origin, false, allowed);
    return next(ex);
  }
  // A base64 body must be decoded whole before it is forwarded (browsers send one message per call).
  return readBody(ex).then((body) => {
    if (body === null) return ex.respond(413, 'Request Entity Too Large');
    try {
      ex.body = decodeTextBody(body);
    } catch {
      return ex.respond(400, 'Bad Request');
    }
    wrapAsGrpcWeb(ex, origin, true, allowed);
    return next(ex);
  });
}

/** The response side: CORS and gRPC-Web headers on the head, the body as is (or base64), the trailer frame last. */
function wrapAsGrpcWeb(ex: Exchange, origin: string | undefined, text: boolean, allowed: OriginCheck): void {
  ex.wrapResponse((down) => {
    const encoder = text ? new Base64Encoder() : null;
    let sent: ReadonlySet<string> = new Set();
    const out = (chunk: Buffer): boolean => (chunk.length === 0 ? true : down.write(chunk));
    return {
      head(status, headers) {
        addActualCorsHeaders(headers, origin, ex.method, allowed);
        sent = toGrpcWebResponseHeaders(headers, text);
        down.head(status, headers);
      },
      write: (chunk) => out(encoder ? encoder.write(chunk) : chunk),
      flush() {
        if (encoder) out(encoder.flush());
        down.flush();
      },
      // `trailers`: the upstream's trailers, once the transport hands them over (HTTP/2 upstreams; see docs).
      end(trailers?: Record<string, string | string[] | undefined>) {
        const frame = trailerFrame(trailers ?? {}, sent);
        if (encoder) {
          out(encoder.write(frame));
          out(encoder.flush());
        } else out(frame);
        down.end();
      },
    };
  });
}

/** The whole request body, or null past MAX_TEXT_BODY_BYTES. */
function readBody(ex: Exchange): Promise<Buffer | null> {
  if (ex.body !== null) return Promise.resolve(ex.body);
  const req = ex.req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_TEXT_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

export default [grpcWeb];
