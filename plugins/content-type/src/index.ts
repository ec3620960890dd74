import { defineMiddleware, s } from '@portico/sdk';
import type { Exchange, Handler } from '@portico/sdk';
import { sniffingLayer } from './sniffing-layer.js';

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

function enable(ex: Exchange): void {
  const locals = (ex.locals ??= {});
  if (locals[LOCAL] === undefined) ex.wrapResponse(sniffingLayer);
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
