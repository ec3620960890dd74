import { defineMiddleware, s } from '@portico/sdk';
import type { Exchange, Handler, ResponseModifier } from '@portico/sdk';
import { sniffOnFirstWrite } from './deferred-head.js';

/**
 * contentType (Traefik pkg/middlewares/contenttype): Traefik v3 does not guess a missing response
 * Content-Type; this middleware turns the guess back on, so a response without one gets the type Go's
 * `http.DetectContentType` finds in its first bytes. `autoDetect: false` (deprecated) turns it off again.
 */
const schema = s.object({
  autoDetect: s.optional(
    s.boolean({
      default: true,
      description: 'Deprecated: false disables the detection (the default without this middleware). Use the middleware without options.',
    }),
  ),
});

/** Key in `ex.locals`: true when detection is on for this request (the last contentType middleware decides). */
const LOCAL = 'contentType';

function hasContentType(headers: Record<string, unknown>): boolean {
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type' && headers[name] !== undefined) return true;
  return false;
}

/** Go's bodyAllowedForStatus: no body, so nothing to sniff, for 1xx, 204 and 304. */
function bodyAllowed(status: number): boolean {
  return !(status < 200 || status === 204 || status === 304);
}

const sniffIfUntyped: ResponseModifier = (status, headers, ex) => {
  if (ex.locals?.[LOCAL] !== true || !bodyAllowed(status) || hasContentType(headers)) return;
  sniffOnFirstWrite(ex.res);
};

function enable(ex: Exchange): void {
  const locals = (ex.locals ??= {});
  if (locals[LOCAL] === undefined) ex.onResponseHead(sniffIfUntyped);
  locals[LOCAL] = true;
}

export const contentType = defineMiddleware({
  type: 'contentType',
  description: 'Sets a missing response Content-Type from the body, as Go detects it.',
  schema,

  build(config, ctx) {
    if (config.autoDetect !== undefined) {
      ctx.log.warn(
        `contentType ${ctx.element}: AutoDetect option is deprecated, Content-Type middleware is only meant to be used to enable the content-type detection, please remove any usage of this option.`,
      );
    }
    if (config.autoDetect === false) {
      return (next: Handler): Handler =>
        (ex) => {
          if (ex.locals?.[LOCAL] !== undefined) ex.locals[LOCAL] = false;
          return next(ex);
        };
    }
    return (next: Handler): Handler =>
      (ex) => {
        enable(ex);
        return next(ex);
      };
  },
});

export default [contentType];
