import { ConfigError } from '@portico/sdk';
import type { Exchange, ResponseModifier } from '@portico/sdk';
import type { OutgoingHttpHeaders } from 'node:http';
import { getFirst } from './header-values.js';
import type { HeadersConfig } from './schema.js';

/**
 * CORS as Traefik's header.go does it: a preflight (OPTIONS with Origin and Access-Control-Request-Method) is
 * answered 200 by the middleware itself; other responses get Access-Control-Allow-Origin when the Origin is
 * allowed, the credentials / expose headers, and Origin added to Vary.
 */
export interface Cors {
  /** Answers the request when it is a preflight; returns whether it did. */
  preflight(ex: Exchange): boolean;
  /** Adds the CORS headers to a response head. */
  response: ResponseModifier;
}

/**
 * Go (RE2) patterns as JavaScript regular expressions: leading inline flags `(?i)`, `(?s)`, `(?m)` become
 * flags; other syntax is shared for the patterns used on origins. Invalid ones are configuration errors.
 */
function compileGoRegex(pattern: string, path: string): RegExp {
  let flags = '';
  let body = pattern;
  const m = /^\(\?([ims]+)\)/.exec(body);
  if (m !== null) {
    flags = [...new Set(m[1])].join('');
    body = body.slice(m[0].length);
  }
  try {
    return new RegExp(body, flags);
  } catch (err) {
    throw new ConfigError(`error occurred during origin parsing: ${(err as Error).message}`, path);
  }
}

export function compileCors(c: HeadersConfig): Cors {
  const origins = c.accessControlAllowOriginList ?? [];
  const regexes = (c.accessControlAllowOriginListRegex ?? []).map((p, i) => compileGoRegex(p, `accessControlAllowOriginListRegex[${i}]`));
  const credentials = c.accessControlAllowCredentials === true;
  const allowHeaders = (c.accessControlAllowHeaders ?? []).join(',');
  const allowMethods = (c.accessControlAllowMethods ?? []).join(',');
  const exposeHeaders = (c.accessControlExposeHeaders ?? []).join(',');
  const maxAge = String(c.accessControlMaxAge ?? 0);
  const addVary = c.addVaryHeader === true;

  /** The value for Access-Control-Allow-Origin, or undefined when the origin is not allowed. */
  const allowedOrigin = (origin: string): string | undefined => {
    for (const item of origins) if (item === '*' || item === origin) return item;
    for (const re of regexes) if (re.test(origin)) return origin;
    return undefined;
  };

  return {
    preflight(ex) {
      if (ex.method !== 'OPTIONS') return false;
      const origin = getFirst(ex.headers, 'origin');
      if (origin === '' || getFirst(ex.headers, 'access-control-request-method') === '') return false;
      const headers: OutgoingHttpHeaders = {};
      if (credentials) headers['access-control-allow-credentials'] = 'true';
      if (allowHeaders !== '') headers['access-control-allow-headers'] = allowHeaders;
      if (allowMethods !== '') headers['access-control-allow-methods'] = allowMethods;
      const allowed = allowedOrigin(origin);
      if (allowed !== undefined) headers['access-control-allow-origin'] = allowed;
      headers['access-control-max-age'] = maxAge;
      ex.respond(200, '', headers);
      return true;
    },

    response(_status, headers, ex) {
      const allowed = allowedOrigin(getFirst(ex.headers, 'origin'));
      if (allowed !== undefined) headers['access-control-allow-origin'] = allowed;
      if (credentials) headers['access-control-allow-credentials'] = 'true';
      if (exposeHeaders !== '') headers['access-control-expose-headers'] = exposeHeaders;
      if (!addVary) return;
      let vary = getFirst(headers, 'vary');
      if (vary === 'Origin') return;
      if (vary !== '') vary += ',';
      headers.vary = `${vary}Origin`;
    },
  };
}
