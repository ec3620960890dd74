import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Exchange, UpstreamError, statusText } from '@portico/sdk';
import type { Handler } from '@portico/sdk';
import type { PageTarget } from './query.js';

const NO_BODY = Buffer.alloc(0);

/** Request headers never copied to the error-page request: it is a GET without a body. */
const BODY_HEADERS = new Set(['content-length', 'transfer-encoding', 'expect']);

/**
 * The headers of the error-page request: the client's request headers (as they reached the middleware, minus
 * body framing), or — with errorRequestHeaders — only the listed ones. Host is always kept: Traefik keeps
 * the request's Host apart from its header map, so the error service sees the client's host (unless its load
 * balancer sets passHostHeader: false).
 */
export function pageHeaders(source: IncomingHttpHeaders, only: ReadonlySet<string> | null): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const name in source) {
    if (BODY_HEADERS.has(name)) continue;
    if (only !== null && name !== 'host' && !only.has(name)) continue;
    out[name] = source[name];
  }
  return out;
}

/**
 * Sends the error-page request to the error service and relays its answer to the client with `status` in
 * place of the service's own (Traefik's codeModifier): the page's headers and body, the original status.
 *
 * The request is a view of the client's exchange (same client response, same entrypoint, client IP, TLS, …)
 * with its own method, target, headers and an empty body, so the service handler — the load balancer and
 * the relay, unchanged — can run it as any request. Accounting (status, bytes written) goes to the client's
 * exchange.
 *
 * When the service cannot answer (no server, connection refused), the client gets `status` with the status
 * text of that failure as body, as Traefik's proxy error handler writes through the same code modifier.
 */
export async function servePage(ex: Exchange, service: Handler, target: PageTarget, headers: IncomingHttpHeaders, status: number): Promise<void> {
  const page = Object.create(ex, {
    method: { value: 'GET' },
    path: { value: target.path, writable: true },
    query: { value: target.query, writable: true },
    headers: { value: headers, writable: true },
    body: { value: NO_BODY, writable: true },
    upgrade: { value: null, writable: true },
    upstreamUrl: { value: '', writable: true },
    status: { get: () => ex.status, set: (v: number) => void (ex.status = v) },
    bytesWritten: { get: () => ex.bytesWritten, set: (v: number) => void (ex.bytesWritten = v) },
    sendHead: { value: (_status: number, h: OutgoingHttpHeaders) => ex.sendHead(status, h) },
  }) as Exchange;
  try {
    await service(page);
  } catch (err) {
    if (!(err instanceof UpstreamError) || ex.headSent) throw err;
    ex.respond(status, statusText[err.status] ?? 'Bad Gateway');
  }
}
