/**
 * portico-plugin-request-id: gives every request an id the upstream receives in a header (X-Request-Id by
 * default) and echoes it on the response, so a client, the proxy's logs and the backend can name the same
 * request. A valid id sent by the client is kept when `trustIncoming` is on (the default), so ids set by an
 * outer proxy or the caller flow through.
 *
 * The package's default export is its plugin list; the `portico` manifest in package.json says it provides
 * the middleware type `requestId`.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError, defineMiddleware, definePlugin, s } from '@portico/sdk';
import type { Handler, ResponseModifier, Static } from '@portico/sdk';

export const requestIdSchema = s.object(
  {
    headerName: s.optional(s.string({ default: 'X-Request-Id', description: 'Request header carrying the id to the upstream (and on the response).' })),
    trustIncoming: s.optional(
      s.boolean({ default: true, description: 'Keep an id the client sent when it is valid: 1–200 characters of A–Z, a–z, 0–9, ".", "_", "-".' }),
    ),
    responseHeader: s.optional(s.boolean({ default: true, description: 'Echo the id on the response under the same header name.' })),
  },
  { additionalProperties: false },
);

export type RequestIdConfig = Static<typeof requestIdSchema>;

/** What an incoming id must look like to be kept: short, and safe to copy into logs and other headers. */
export const VALID_ID = /^[A-Za-z0-9._-]{1,200}$/;
/** An HTTP header field name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const requestId = defineMiddleware({
  type: 'requestId',
  description: 'Sets a request id header for the upstream (keeping a valid incoming one) and echoes it on the response.',
  schema: requestIdSchema,

  validate(config) {
    if (!TOKEN.test(config.headerName ?? '')) throw new ConfigError(`"${config.headerName}" is not a valid header name`, 'headerName');
  },

  build(config) {
    // Node lower-cases incoming header names; lowering once here keeps the per-request path to lookups.
    const name = (config.headerName ?? 'X-Request-Id').toLowerCase();
    const trustIncoming = config.trustIncoming ?? true;
    // One modifier for every request: it reads the id back from the forwarded headers, so no closure is
    // allocated per request.
    const echo: ResponseModifier | null =
      config.responseHeader === false
        ? null
        : (_status, headers, ex) => {
            const id = ex.headers[name];
            if (typeof id === 'string') headers[name] = id;
          };

    return (next: Handler): Handler =>
      (ex) => {
        const incoming = ex.headers[name];
        // A repeated header arrives joined ("a, b") or as an array: neither is a valid single id.
        if (!(trustIncoming && typeof incoming === 'string' && VALID_ID.test(incoming))) ex.headers[name] = randomUUID();
        if (echo !== null) ex.onResponseHead(echo);
        return next(ex);
      };
  },
});

export default definePlugin(requestId);
