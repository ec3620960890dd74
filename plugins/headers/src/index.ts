import { ConfigError, defineMiddleware } from '@portico/sdk';
import type { Handler, ResponseModifier } from '@portico/sdk';
import { compileCors } from './cors.js';
import { compileRequestHeaders, compileResponseHeaders } from './custom-headers.js';
import { headersSchema, hasCorsHeaders, hasCustomHeaders, hasSecureHeaders } from './schema.js';
import { compileSecure } from './secure.js';

/**
 * headers (Traefik pkg/middlewares/headers): custom request/response headers and CORS (header.go), then the
 * security features (secure.go over unrolled/secure). As in Traefik the CORS/custom part wraps the secure part:
 * a preflight is answered before any security check, and on the response the security headers are set first,
 * then the custom and CORS ones (which can therefore override them).
 */
const DEPRECATED: Array<[keyof import('./schema.js').HeadersConfig, string]> = [
  ['featurePolicy', 'featurePolicy is deprecated, please use permissionsPolicy instead'],
  ['sslRedirect', 'sslRedirect is deprecated, please use entryPoint redirection or the redirectScheme middleware instead'],
  ['sslTemporaryRedirect', 'sslTemporaryRedirect is deprecated, please use entryPoint redirection or the redirectScheme middleware instead'],
  ['sslHost', 'sslHost is deprecated, please use the redirectRegex middleware instead'],
  ['sslForceHost', 'sslForceHost is deprecated, please use the redirectRegex middleware instead'],
];

export const headers = defineMiddleware({
  type: 'headers',
  description: 'Adds, changes or removes request and response headers; CORS; security headers.',
  schema: headersSchema,

  validate(config) {
    if (!hasSecureHeaders(config) && !hasCustomHeaders(config) && !hasCorsHeaders(config)) {
      throw new ConfigError('headers configuration not valid: set at least one option');
    }
  },

  build(config, ctx) {
    for (const [key, message] of DEPRECATED) if (config[key] !== undefined) ctx.log.warn(`headers ${ctx.element}: ${message}`);
    const cors = hasCorsHeaders(config) ? compileCors(config) : null;
    const custom = hasCustomHeaders(config);
    const requestHeaders = custom ? compileRequestHeaders(config.customRequestHeaders ?? {}) : null;
    const responseHeaders = custom ? compileResponseHeaders(config.customResponseHeaders ?? {}) : null;
    const secure = hasSecureHeaders(config) ? compileSecure(config) : null;
    const corsResponse = cors?.response ?? null;
    const headerModifier: ResponseModifier | null =
      responseHeaders === null && corsResponse === null
        ? null
        : (status, h, e) => {
            if (responseHeaders !== null) responseHeaders(status, h, e);
            if (corsResponse !== null) corsResponse(status, h, e);
          };

    return (next: Handler): Handler =>
      (ex) => {
        if (cors !== null && cors.preflight(ex)) return;
        if (requestHeaders !== null) requestHeaders(ex);
        // Registered before the secure modifier: modifiers run innermost first, so this one runs after it.
        if (headerModifier !== null) ex.onResponseHead(headerModifier);
        if (secure !== null) {
          const step = secure(ex);
          if (step === 'answered') return;
          ex.onResponseHead(step);
        }
        return next(ex);
      };
  },
});

export default [headers];
