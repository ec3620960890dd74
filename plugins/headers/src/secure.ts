import { randomBytes } from 'node:crypto';
import type { Exchange, ResponseModifier } from '@portico/sdk';
import type { OutgoingHttpHeaders } from 'node:http';
import { getFirst } from './header-values.js';
import type { HeadersConfig } from './schema.js';

/**
 * The security half of the headers middleware (unrolled/secure, as Traefik's secure.go configures it): host
 * allow-list, the deprecated SSL redirects, and response headers (STS, X-Frame-Options, CSP, …) computed per
 * request and set on the response head, over whatever the upstream sent.
 */
export type SecureStep = (ex: Exchange) => 'answered' | ResponseModifier;

const REDIRECT_TEXT: Record<number, string> = { 301: 'Moved Permanently', 307: 'Temporary Redirect' };

function htmlEscape(s: string): string {
  return s.replace(/[&'<>"]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;' })[c] as string);
}

/** Go's http.Redirect to an absolute URL: Location, and for GET a tiny HTML body (Fprintln adds a newline). */
function redirect(ex: Exchange, url: string, status: number): void {
  // hexEscapeNonASCII: each non-ASCII byte as %xx (lower-case, as Go writes it).
  const location = url.replace(/[^\x00-\x7f]+/g, (run) => [...Buffer.from(run)].map((b) => `%${b.toString(16)}`).join(''));
  const headers: OutgoingHttpHeaders = { location };
  if (ex.method === 'GET' || ex.method === 'HEAD') headers['content-type'] = 'text/html; charset=utf-8';
  const body = ex.method === 'GET' ? `<a href="${htmlEscape(location)}">${REDIRECT_TEXT[status]}</a>.\n\n` : '';
  ex.respond(status, body, headers);
}

export function compileSecure(c: HeadersConfig): SecureStep {
  const dev = c.isDevelopment === true;
  const allowedHosts = dev ? [] : (c.allowedHosts ?? []).map((h) => h.toLowerCase());
  const hostsProxyHeaders = (c.hostsProxyHeaders ?? []).map((h) => h.toLowerCase());
  const sslProxyHeaders = Object.entries(c.sslProxyHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const);
  const sslHost = c.sslHost ?? '';
  const sslRedirect = c.sslRedirect === true && !dev;
  const sslForceHost = c.sslForceHost === true;
  const redirectStatus = c.sslTemporaryRedirect === true ? 307 : 301;

  // Headers that do not depend on the request.
  const fixed: Array<[string, string]> = [];
  if (c.customFrameOptionsValue) fixed.push(['x-frame-options', c.customFrameOptionsValue]);
  else if (c.frameDeny) fixed.push(['x-frame-options', 'DENY']);
  if (c.contentTypeNosniff) fixed.push(['x-content-type-options', 'nosniff']);
  if (c.customBrowserXSSValue) fixed.push(['x-xss-protection', c.customBrowserXSSValue]);
  else if (c.browserXssFilter) fixed.push(['x-xss-protection', '1; mode=block']);
  const csp = c.contentSecurityPolicy ?? '';
  const cspReportOnly = c.contentSecurityPolicyReportOnly ?? '';
  const nonced = csp.includes('$NONCE') || cspReportOnly.includes('$NONCE');
  if (!nonced && csp) fixed.push(['content-security-policy', csp]);
  if (!nonced && cspReportOnly) fixed.push(['content-security-policy-report-only', cspReportOnly]);
  if (c.referrerPolicy) fixed.push(['referrer-policy', c.referrerPolicy]);
  if (c.featurePolicy) fixed.push(['feature-policy', c.featurePolicy]);
  if (c.permissionsPolicy) fixed.push(['permissions-policy', c.permissionsPolicy]);

  const stsSeconds = c.stsSeconds ?? 0;
  const sts = stsSeconds !== 0 && !dev ? `max-age=${stsSeconds}${c.stsIncludeSubdomains ? '; includeSubDomains' : ''}${c.stsPreload ? '; preload' : ''}` : '';
  const forceSts = c.forceSTSHeader === true;
  const publicKey = dev ? '' : (c.publicKey ?? '');

  const isSSL = (ex: Exchange): boolean => {
    if (ex.tls) return true;
    for (const [name, value] of sslProxyHeaders) if (getFirst(ex.headers, name) === value) return true;
    return false;
  };

  /** Applied to the response head: fixed + per-request headers, and http→https Location rewrite for sslHost. */
  const modifierFor = (ssl: boolean, nonce: string): ResponseModifier => (_status, headers) => {
    if (ssl && sslHost !== '') {
      const location = getFirst(headers, 'location');
      if (location.startsWith(`http://${sslHost}/`) || location === `http://${sslHost}`) headers.location = location.replace('http:', 'https:');
    }
    for (const [name, value] of fixed) headers[name] = value;
    if (sts !== '' && (ssl || forceSts)) headers['strict-transport-security'] = sts;
    if (publicKey !== '' && ssl) headers['public-key-pins'] = publicKey;
    if (nonced) {
      const value = `'nonce-${nonce}'`;
      if (csp) headers['content-security-policy'] = csp.replaceAll('$NONCE', value);
      if (cspReportOnly) headers['content-security-policy-report-only'] = cspReportOnly.replaceAll('$NONCE', value);
    }
  };
  // Without per-request parts the two possible modifiers are built once.
  const plain = modifierFor(false, '');
  const secure = modifierFor(true, '');

  return (ex) => {
    let host = getFirst(ex.headers, 'host');
    for (const name of hostsProxyHeaders) {
      const v = getFirst(ex.headers, name);
      if (v !== '') {
        host = v;
        break;
      }
    }
    if (allowedHosts.length > 0 && !allowedHosts.includes(host.toLowerCase())) {
      ex.respond(500, 'Bad Host\n', { 'x-content-type-options': 'nosniff' });
      return 'answered';
    }
    const ssl = isSSL(ex);
    if (sslRedirect && !ssl) {
      redirect(ex, `https://${sslHost || host}${ex.pathAndQuery}`, redirectStatus);
      return 'answered';
    }
    if (sslForceHost && sslHost !== '' && sslHost !== host) {
      redirect(ex, `https://${sslHost}${ex.pathAndQuery}`, redirectStatus);
      return 'answered';
    }
    if (nonced) return modifierFor(ssl, randomBytes(16).toString('base64'));
    return ssl ? secure : plain;
  };
}
