import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * The CORS handling of improbable-eng/grpc-web's wrapper, which Traefik's grpcWeb configures with rs/cors:
 * origins allowed by `allowOrigins` (`*` = any), methods GET/POST/HEAD (rs/cors' default), any request header
 * (echoed back), credentials allowed, preflight cached 600 s, preflights answered 204 without the upstream.
 */
export type OriginCheck = (origin: string) => boolean;

export function originCheck(allowOrigins: readonly string[]): OriginCheck {
  if (allowOrigins.includes('*')) return () => true;
  const allowed = new Set(allowOrigins);
  return (origin) => allowed.has(origin);
}

const PREFLIGHT_METHODS = new Set(['GET', 'POST', 'HEAD']);

/** An OPTIONS request asking for a gRPC-Web call (Access-Control-Request-Headers names x-grpc-web). */
export function isGrpcWebPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && String(headers['access-control-request-headers'] ?? '').toLowerCase().includes('x-grpc-web');
}

/** The preflight answer's headers (rs/cors handlePreflight); only Vary when the origin or method is refused. */
export function preflightHeaders(headers: IncomingHttpHeaders, allowed: OriginCheck): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' };
  const origin = headers.origin;
  const method = String(headers['access-control-request-method'] ?? '').toUpperCase();
  if (origin === undefined || origin === '' || !allowed(origin) || !PREFLIGHT_METHODS.has(method)) return out;
  out['access-control-allow-origin'] = origin;
  out['access-control-allow-methods'] = method;
  const requested = headers['access-control-request-headers'];
  if (requested !== undefined && requested !== '') out['access-control-allow-headers'] = requested;
  out['access-control-allow-credentials'] = 'true';
  out['access-control-max-age'] = '600';
  return out;
}

/** CORS headers of an actual (non-preflight) request's response (rs/cors handleActualRequest). */
export function addActualCorsHeaders(out: OutgoingHttpHeaders, origin: string | undefined, method: string, allowed: OriginCheck): void {
  out['vary'] = out['vary'] === undefined ? 'Origin' : `${String(out['vary'])}, Origin`;
  if (origin === undefined || origin === '' || !allowed(origin) || !PREFLIGHT_METHODS.has(method)) return;
  out['access-control-allow-origin'] = origin;
  out['access-control-allow-credentials'] = 'true';
}
