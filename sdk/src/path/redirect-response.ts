/**
 * The redirect answer of Traefik's redirect middlewares (pkg/middlewares/redirect, moveHandler): 302, or 307
 * for methods other than GET; 301/308 when permanent; 308 whatever the method when forced (entryPoint
 * redirections). The body is the status text.
 */
import { statusText } from '@portico/core';
import type { Exchange } from '@portico/core';

const TEXT: Record<number, string> = {
  301: 'Moved Permanently',
  302: 'Found',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
};

export function redirectStatus(method: string, permanent: boolean, forcePermanent = false): number {
  if (forcePermanent) return 308;
  const get = method === 'GET';
  if (permanent) return get ? 301 : 308;
  return get ? 302 : 307;
}

export function sendRedirect(ex: Exchange, location: string, status: number): void {
  ex.respond(status, TEXT[status], { location });
}

/** oxy's default error handler, used by Traefik when the rewritten URL does not parse: 500 with its status text. */
export function sendUnparsable(ex: Exchange): void {
  ex.respond(500, statusText[500]);
}
