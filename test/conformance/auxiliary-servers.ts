/**
 * The extra servers some middleware cases need besides their backend, started per case in the test process:
 * forwardAuth's auth server (`authServer`, its address replaces `<auth server>` in the config) and the errors
 * middleware's error-page service (`errorService`, a service of its own in the dynamic config that the case's
 * `service` option is pointed at). Both record what they receive, for the `auth*` / `errorService*` checks.
 */
import { authServerAnswer, type AuthServerSpec } from '../helpers/forward-auth-corpus.js';
import { headerValues } from './raw-http.js';
import type { RecordedRequest, UpstreamAnswer, UpstreamPool } from './upstreams.js';

export const AUTH_SERVER_PLACEHOLDER = '<auth server>';

/** A case's `errorService` block. */
export interface ErrorServiceSpec {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** `<echo of request Host>\n` = the Host header the error service received, as a line. */
  body?: string;
  /** The Go test's error handler answers its page only for this request-target. */
  onlyAnswersRequestURI?: string;
}

export interface AuthServerHandle {
  url: string;
  requests: () => RecordedRequest[];
}

/** An auth server answering every call as `spec` describes (Go's redirect body for a bare 3xx). */
export async function startAuthServer(pool: UpstreamPool, spec: AuthServerSpec | undefined): Promise<AuthServerHandle> {
  const answer = authServerAnswer(spec);
  const server = await pool.start(() => answer);
  return { url: server.url, requests: () => server.requests };
}

/** The answer of an error-page service for one request. */
export function errorServiceAnswer(spec: ErrorServiceSpec, req: RecordedRequest): UpstreamAnswer {
  if (spec.onlyAnswersRequestURI !== undefined && req.url !== spec.onlyAnswersRequestURI) {
    return { status: 404, body: `error service: unexpected request URI ${req.url}\n` };
  }
  const body = spec.body === '<echo of request Host>\n' ? `${headerValues(req.headers, 'host').join(', ')}\n` : (spec.body ?? '');
  return { status: spec.status ?? 200, headers: spec.headers, body };
}

export async function startErrorService(pool: UpstreamPool, spec: ErrorServiceSpec): Promise<{ url: string; requests: () => RecordedRequest[] }> {
  const server = await pool.start((req) => errorServiceAnswer(spec, req));
  return { url: server.url, requests: () => server.requests };
}
