import type { Exchange } from '@portico/sdk';
import { requestUrlParts } from '@portico/sdk';

/**
 * The request-target of the error-page request, as Traefik builds it: no query → `/`; otherwise `query` with a
 * leading `/` ensured and its placeholders replaced — `{status}` the status the client will get (after
 * statusRewrites), `{originalStatus}` the status the service answered, `{url}` the original request URL
 * (scheme://host/path?query, rebuilt from the Host header for an origin-form request) query-escaped like Go's
 * url.QueryEscape.
 */
export interface PageTarget {
  path: string;
  query: string | null;
}

export interface QueryTemplate {
  /** False when the query uses `{url}`, which needs the request URL (only then is it rebuilt). */
  readonly usesUrl: boolean;
  render(status: number, originalStatus: number, url: string): PageTarget;
}

export function compileQuery(query: string): QueryTemplate {
  if (query === '') return { usesUrl: false, render: () => ({ path: '/', query: null }) };
  const template = query.startsWith('/') ? query : `/${query}`;
  return {
    usesUrl: template.includes('{url}'),
    render(status, originalStatus, url) {
      const target = template
        .replaceAll('{status}', String(status))
        .replaceAll('{originalStatus}', String(originalStatus))
        .replaceAll('{url}', url);
      const q = target.indexOf('?');
      if (q === -1) return { path: target, query: null };
      return { path: target.slice(0, q) || '/', query: target.slice(q + 1) };
    },
  };
}

/** What Go's url.QueryEscape keeps as is. */
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/** Go's url.QueryEscape over the bytes of `s` (Node hands request targets over as latin1 strings): space → `+`. */
export function goQueryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'latin1')) {
    const c = String.fromCharCode(byte);
    if (UNRESERVED.test(c)) out += c;
    else if (byte === 0x20) out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** The request URL `{url}` stands for: scheme://host + path and query (an absolute-form target keeps its own). */
export function requestUrl(ex: Exchange, path: string, query: string | null): string {
  const uri = query === null ? path : `${path}?${query}`;
  const parts = requestUrlParts({ pathAndQuery: uri, tls: ex.tls } as Exchange, ex.host, '');
  return `${parts.scheme}://${parts.host}${parts.port}${parts.uri}`;
}
