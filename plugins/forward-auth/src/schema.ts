import { s } from '@portico/sdk';
import type { Static } from '@portico/sdk';

/** forwardAuth options, Traefik v3's names and defaults (dynamic.ForwardAuth). */
export const forwardAuthSchema = s.object({
  address: s.string({ description: 'URL of the authentication server (http or https); the request to it is a GET unless preserveRequestMethod.' }),
  tls: s.optional(
    s.object(
      {
        ca: s.optional(s.string({ description: 'CA certificate (PEM file path or inline PEM) used to verify the authentication server.' })),
        cert: s.optional(s.string({ description: 'Client certificate (PEM file path or inline PEM) presented to the authentication server.' })),
        key: s.optional(s.string({ description: 'Private key (PEM file path or inline PEM) of the client certificate.' })),
        insecureSkipVerify: s.optional(s.boolean({ default: false, description: "Do not verify the authentication server's certificate." })),
        caOptional: s.optional(s.boolean({ description: 'Deprecated and ignored (client authentication is a server-side option); a warning is logged.' })),
      },
      { description: 'TLS options for an https address.' },
    ),
  ),
  trustForwardHeader: s.optional(
    s.boolean({
      description:
        'true: keep the X-Forwarded-* headers of the request. false: remove them all and set fresh ones. Unset: the legacy behaviour (X-Forwarded-For/Proto/Method/Host/Uri overwritten, others passed through).',
    }),
  ),
  authResponseHeaders: s.optional(
    s.array(s.string(), { default: [], description: 'Headers copied from the authentication response onto the forwarded request (client values of these names are removed first).' }),
  ),
  authResponseHeadersRegex: s.optional(
    s.string({ default: '', description: 'Go regular expression: authentication response headers whose canonical name matches are copied onto the request (client values matching it are removed first).' }),
  ),
  authRequestHeaders: s.optional(
    s.array(s.string(), { default: [], description: 'Only these request headers are sent to the authentication server (all of them when empty).' }),
  ),
  addAuthCookiesToResponse: s.optional(
    s.array(s.string(), { default: [], description: 'Names of cookies set by the authentication server that are added to the response (replacing backend cookies of the same name).' }),
  ),
  headerField: s.optional(s.string({ default: '', description: 'Authentication response header naming the user, recorded as the access log ClientUsername.' })),
  forwardBody: s.optional(s.boolean({ default: false, description: 'Send the request body to the authentication server too.' })),
  maxBodySize: s.optional(
    s.integer({ default: -1, description: 'With forwardBody, largest request body read (bytes); a larger one is refused with 401. -1 = no limit.' }),
  ),
  maxResponseBodySize: s.optional(
    s.integer({ default: -1, description: 'Largest authentication response body read (bytes); a larger one answers 401. -1 = no limit.' }),
  ),
  preserveLocationHeader: s.optional(
    s.boolean({ default: false, description: 'Relay a relative Location of the authentication response as is instead of resolving it against the address.' }),
  ),
  preserveRequestMethod: s.optional(s.boolean({ default: false, description: "Call the authentication server with the request's method instead of GET." })),
  authSigninURL: s.optional(
    s.string({ default: '', description: 'When the authentication server answers 401, redirect the client (302) to this URL instead of relaying the 401.' }),
  ),
});

export type ForwardAuthConfig = Static<typeof forwardAuthSchema>;
