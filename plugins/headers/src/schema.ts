import { s } from '@portico/sdk';
import type { Static } from '@portico/sdk';

/** Every option of Traefik v3's headers middleware (dynamic.Headers), with its default. */
export const headersSchema = s.object({
  customRequestHeaders: s.optional(
    s.record(s.string(), { default: {}, description: 'Headers to set on the request (an empty value removes the header).' }),
  ),
  customResponseHeaders: s.optional(
    s.record(s.string(), { default: {}, description: 'Headers to set on the response (an empty value removes the header).' }),
  ),

  accessControlAllowCredentials: s.optional(s.boolean({ default: false, description: 'CORS: whether the request can include user credentials.' })),
  accessControlAllowHeaders: s.optional(
    s.array(s.string(), { default: [], description: 'CORS: Access-Control-Allow-Headers values of the preflight response.' }),
  ),
  accessControlAllowMethods: s.optional(
    s.array(s.string(), { default: [], description: 'CORS: Access-Control-Allow-Methods values of the preflight response.' }),
  ),
  accessControlAllowOriginList: s.optional(s.array(s.string(), { default: [], description: 'CORS: allowed origins; "*" allows any.' })),
  accessControlAllowOriginListRegex: s.optional(
    s.array(s.string(), { default: [], description: 'CORS: allowed origins as regular expressions (matched anywhere in the Origin).' }),
  ),
  accessControlExposeHeaders: s.optional(s.array(s.string(), { default: [], description: 'CORS: Access-Control-Expose-Headers values.' })),
  accessControlMaxAge: s.optional(s.integer({ default: 0, description: 'CORS: how long (seconds) a preflight answer may be cached.' })),
  addVaryHeader: s.optional(s.boolean({ default: false, description: 'CORS: add Origin to the Vary response header.' })),

  allowedHosts: s.optional(s.array(s.string(), { default: [], description: 'Only these host names are allowed (others get 500 "Bad Host"). Empty = any.' })),
  hostsProxyHeaders: s.optional(
    s.array(s.string(), { default: [], description: 'Request headers that may hold the proxied host name (checked before Host).' }),
  ),
  sslProxyHeaders: s.optional(
    s.record(s.string(), { default: {}, description: 'Header/value pairs that mark a request as HTTPS (e.g. X-Forwarded-Proto: https).' }),
  ),
  stsSeconds: s.optional(s.integer({ description: 'max-age of the Strict-Transport-Security header; 0 (default) = no header.' })),
  stsIncludeSubdomains: s.optional(s.boolean({ default: false, description: 'Append includeSubDomains to Strict-Transport-Security.' })),
  stsPreload: s.optional(s.boolean({ default: false, description: 'Append preload to Strict-Transport-Security.' })),
  forceSTSHeader: s.optional(s.boolean({ default: false, description: 'Send Strict-Transport-Security on plain HTTP requests too.' })),
  frameDeny: s.optional(s.boolean({ default: false, description: 'Add X-Frame-Options: DENY.' })),
  customFrameOptionsValue: s.optional(s.string({ default: '', description: 'X-Frame-Options value (overrides frameDeny).' })),
  contentTypeNosniff: s.optional(s.boolean({ default: false, description: 'Add X-Content-Type-Options: nosniff.' })),
  browserXssFilter: s.optional(s.boolean({ default: false, description: 'Add X-XSS-Protection: 1; mode=block.' })),
  customBrowserXSSValue: s.optional(s.string({ default: '', description: 'X-XSS-Protection value (overrides browserXssFilter).' })),
  contentSecurityPolicy: s.optional(s.string({ default: '', description: 'Content-Security-Policy value ($NONCE becomes a per-request nonce).' })),
  contentSecurityPolicyReportOnly: s.optional(s.string({ default: '', description: 'Content-Security-Policy-Report-Only value.' })),
  publicKey: s.optional(s.string({ default: '', description: 'Public-Key-Pins value (HPKP), sent on HTTPS requests.' })),
  referrerPolicy: s.optional(s.string({ default: '', description: 'Referrer-Policy value.' })),
  permissionsPolicy: s.optional(s.string({ default: '', description: 'Permissions-Policy value.' })),
  isDevelopment: s.optional(
    s.boolean({ default: false, description: 'Development mode: disables allowedHosts, SSL redirects, STS and HPKP.' }),
  ),

  featurePolicy: s.optional(s.string({ description: 'Deprecated (use permissionsPolicy): Feature-Policy value.' })),
  sslRedirect: s.optional(s.boolean({ description: 'Deprecated (use entryPoint redirection or redirectScheme): redirect HTTP requests to HTTPS.' })),
  sslTemporaryRedirect: s.optional(s.boolean({ description: 'Deprecated: use 307 instead of 301 for the SSL redirects.' })),
  sslHost: s.optional(s.string({ description: 'Deprecated (use redirectRegex): host name the SSL redirects go to.' })),
  sslForceHost: s.optional(s.boolean({ description: 'Deprecated (use redirectRegex): redirect to sslHost even HTTPS requests for another host.' })),
});

export type HeadersConfig = Static<typeof headersSchema>;

const isSet = (v: string | undefined) => v !== undefined && v !== '';
const isNonEmpty = (v: readonly unknown[] | Record<string, unknown> | undefined) =>
  v !== undefined && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);

export function hasCustomHeaders(c: HeadersConfig): boolean {
  return isNonEmpty(c.customRequestHeaders) || isNonEmpty(c.customResponseHeaders);
}

export function hasCorsHeaders(c: HeadersConfig): boolean {
  return (
    c.accessControlAllowCredentials === true ||
    isNonEmpty(c.accessControlAllowHeaders) ||
    isNonEmpty(c.accessControlAllowMethods) ||
    isNonEmpty(c.accessControlAllowOriginList) ||
    isNonEmpty(c.accessControlAllowOriginListRegex) ||
    isNonEmpty(c.accessControlExposeHeaders) ||
    (c.accessControlMaxAge ?? 0) !== 0 ||
    c.addVaryHeader === true
  );
}

/** Traefik's HasSecureHeadersDefined, except that an explicit `stsSeconds: 0` counts as a setting (as v3 accepts it). */
export function hasSecureHeaders(c: HeadersConfig): boolean {
  return (
    isNonEmpty(c.allowedHosts) ||
    isNonEmpty(c.hostsProxyHeaders) ||
    c.sslRedirect === true ||
    c.sslTemporaryRedirect === true ||
    c.sslForceHost === true ||
    isSet(c.sslHost) ||
    isNonEmpty(c.sslProxyHeaders) ||
    c.stsSeconds !== undefined ||
    c.stsIncludeSubdomains === true ||
    c.stsPreload === true ||
    c.forceSTSHeader === true ||
    c.frameDeny === true ||
    isSet(c.customFrameOptionsValue) ||
    c.contentTypeNosniff === true ||
    c.browserXssFilter === true ||
    isSet(c.customBrowserXSSValue) ||
    isSet(c.contentSecurityPolicy) ||
    isSet(c.contentSecurityPolicyReportOnly) ||
    isSet(c.publicKey) ||
    isSet(c.referrerPolicy) ||
    isSet(c.featurePolicy) ||
    isSet(c.permissionsPolicy) ||
    c.isDevelopment === true
  );
}
