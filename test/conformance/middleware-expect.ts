/**
 * The `expect` block of a middlewares.json case, checked against what went over the wire: the response the
 * client got and the request(s) the fake upstream received. Pure functions: a list of mismatches, empty when
 * the case holds.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { AUTH_EXPECT_KEYS, checkAuthCalls } from '../helpers/forward-auth-corpus.js';
import { headerValues, type WireResponse } from './raw-http.js';
import type { RecordedRequest } from './upstreams.js';

export interface Observation {
  response: WireResponse;
  /** Requests the case's upstream(s) received, in order (several for retries). */
  upstreamRequests: RecordedRequest[];
  /** The backend's body as sent (bytes for generated bodies). */
  backendBody?: string | Buffer;
  /** forwardAuth: the calls the case's auth server received. */
  authRequests?: RecordedRequest[];
  /** errors: the requests the case's error-page service received. */
  errorServiceRequests?: RecordedRequest[];
  /** retry: a mismatch message when the backend's record disagrees with `retries` retries, else undefined. */
  checkRetries?: (retries: number) => string | undefined;
}

/** Keys describing Go internals with no wire equivalent: skipped. */
const INFORMATIONAL = new Set(['upstreamDecodedPath', 'upstreamURLHost']);
/** Keys handled by the planner (router status), not by a request. */
const CONFIG_KEYS = new Set(['configError', 'errorMessage']);

/**
 * Headers the proxy hop or the raw client adds, left out of "exact" header-set comparisons unless the case
 * names them: the corpus states exact sets as the Go test saw them, before a transport touched the message.
 */
const UPSTREAM_TRANSPORT = new Set([
  'host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'accept-encoding', 'user-agent',
  'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto', 'x-forwarded-server', 'x-real-ip',
]);
const RESPONSE_TRANSPORT = new Set(['date', 'content-length', 'content-type', 'connection', 'transfer-encoding', 'keep-alive']);
/**
 * Response headers a Go client would not count (`len(res.Header)`): the connection management Node's server
 * writes on every HTTP/1.1 response, which Go's server leaves implicit.
 */
const CONNECTION_MANAGEMENT = new Set(['connection', 'keep-alive']);

type Check = (expected: unknown, obs: Observation) => string[];

const lastUpstream = (obs: Observation): RecordedRequest | undefined => obs.upstreamRequests.at(-1);
const bodyText = (obs: Observation): string => obs.response.body.toString('utf8');
const lower = (s: string): string => s.toLowerCase();
const backendBytes = (obs: Observation): Buffer => (Buffer.isBuffer(obs.backendBody) ? obs.backendBody : Buffer.from(obs.backendBody ?? '', 'utf8'));
const preview = (b: Buffer): string => JSON.stringify(b.subarray(0, 80).toString('latin1'));

/** The response body with its Content-Encoding undone; a string says why it could not be decoded. */
export function decodeResponseBody(response: WireResponse): Buffer | string {
  const encodings = headerValues(response.headers, 'content-encoding').flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  let body = response.body;
  // Applied in order, so undone in reverse.
  for (const encoding of encodings.reverse()) {
    try {
      if (encoding === 'gzip' || encoding === 'x-gzip') body = gunzipSync(body);
      else if (encoding === 'br') body = brotliDecompressSync(body);
      else if (encoding === 'deflate') body = inflateSync(body);
      else if (encoding === 'zstd' && 'zstdDecompressSync' in zlib) body = (zlib as unknown as { zstdDecompressSync(b: Buffer): Buffer }).zstdDecompressSync(body);
      else if (encoding !== 'identity') return `cannot decode Content-Encoding ${encoding} here`;
    } catch (err) {
      return `body does not decode as ${encoding}: ${(err as Error).message}`;
    }
  }
  return body;
}

function withErrorService(fn: (req: RecordedRequest, expected: unknown) => string[]): Check {
  return (expected, obs) => {
    const req = obs.errorServiceRequests?.at(-1);
    return req === undefined ? ['the error service was not called'] : fn(req, expected);
  };
}

/** A header's lines equal the expected value: one line, or repeated lines forming the same list. */
function valuesMatch(values: string[], expected: string): boolean {
  if (values.length === 1) return values[0] === expected;
  return values.length > 1 && (values.join(',') === expected || values.join(', ') === expected);
}

function withUpstream(fn: (req: RecordedRequest, expected: unknown) => string[]): Check {
  return (expected, obs) => {
    const req = lastUpstream(obs);
    return req === undefined ? ['the upstream was not called'] : fn(req, expected);
  };
}

function headerSubset(where: string, headers: [string, string][], expected: Record<string, string | string[] | null>): string[] {
  const out: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const got = headerValues(headers, name);
    if (want === null) {
      if (got.length > 0) out.push(`${where} header ${name} should be absent, got ${JSON.stringify(got)}`);
    } else if (Array.isArray(want) ? JSON.stringify(got) !== JSON.stringify(want) : !valuesMatch(got, want)) {
      out.push(`${where} header ${name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  }
  return out;
}

function headerExact(where: string, headers: [string, string][], expected: Record<string, string>, ignore: Set<string>): string[] {
  const wanted = new Set(Object.keys(expected).map(lower));
  const extra = [...new Set(headers.map(([n]) => lower(n)))].filter((n) => !wanted.has(n) && !ignore.has(n));
  const out = headerSubset(where, headers, expected);
  if (extra.length > 0) out.push(`${where} has unexpected headers ${extra.join(', ')}`);
  return out;
}

function exactValues(where: string, headers: [string, string][], expected: Record<string, string[]>): string[] {
  return Object.entries(expected).flatMap(([name, want]) => {
    const got = headerValues(headers, name);
    return JSON.stringify(got) === JSON.stringify(want) ? [] : [`${where} header ${name}: expected values ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
  });
}

const absent = (where: string, headers: [string, string][], names: string[]): string[] =>
  names.filter((n) => headerValues(headers, n).length > 0).map((n) => `${where} header ${n} should be absent, got ${JSON.stringify(headerValues(headers, n))}`);

/**
 * Connection management Node's HTTP server writes on every response of a kept-alive connection (Go's server
 * leaves it implicit). "Connection must be absent" means no relayed value, so these are not counted.
 */
const OWN_CONNECTION_VALUES: Record<string, RegExp> = { connection: /^(keep-alive|close)$/i, 'keep-alive': /^timeout=\d+(, *max=\d+)?$/i };

function responseAbsent(headers: [string, string][], names: string[]): string[] {
  return names.flatMap((n) => {
    const own = OWN_CONNECTION_VALUES[lower(n)];
    const got = headerValues(headers, n).filter((v) => own === undefined || !own.test(v.trim()));
    return got.length > 0 ? [`response header ${n} should be absent, got ${JSON.stringify(got)}`] : [];
  });
}

const CHECKS: Record<string, Check> = {
  status: (want, obs) => (obs.response.status === want ? [] : [`status ${obs.response.status}, expected ${want}`]),
  upstreamCalled: (want, obs) =>
    (obs.upstreamRequests.length > 0) === want ? [] : [`upstream ${want ? 'not called' : `called ${obs.upstreamRequests.length} time(s)`}`],
  upstreamCalls: (want, obs) => (obs.upstreamRequests.length === want ? [] : [`upstream called ${obs.upstreamRequests.length} time(s), expected ${want}`]),
  upstreamPath: withUpstream((req, want) => (req.url === want ? [] : [`upstream path ${JSON.stringify(req.url)}, expected ${JSON.stringify(want)}`])),
  upstreamMethod: withUpstream((req, want) => (req.method === want ? [] : [`upstream method ${req.method}, expected ${want}`])),
  upstreamHost: withUpstream((req, want) => {
    const got = headerValues(req.headers, 'host');
    return valuesMatch(got, want as string) ? [] : [`upstream Host ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`];
  }),
  upstreamHeaders: withUpstream((req, want) => headerSubset('upstream', req.headers, want as Record<string, string>)),
  upstreamHeadersExact: withUpstream((req, want) => headerExact('upstream request', req.headers, want as Record<string, string>, UPSTREAM_TRANSPORT)),
  upstreamHeadersExactValues: withUpstream((req, want) => exactValues('upstream', req.headers, want as Record<string, string[]>)),
  upstreamHeadersAbsent: withUpstream((req, want) => absent('upstream', req.headers, want as string[])),
  upstreamHeadersPresent: withUpstream((req, want) =>
    (want as string[]).filter((n) => headerValues(req.headers, n).length === 0).map((n) => `upstream header ${n} missing`),
  ),
  responseHeaders: (want, obs) => headerSubset('response', obs.response.headers, want as Record<string, string | null>),
  responseHeadersExact: (want, obs) => headerExact('response', obs.response.headers, want as Record<string, string>, RESPONSE_TRANSPORT),
  responseHeadersExactValues: (want, obs) => exactValues('response', obs.response.headers, want as Record<string, string[]>),
  responseHeadersAbsent: (want, obs) => responseAbsent(obs.response.headers, want as string[]),
  location: (want, obs) => headerSubset('response', obs.response.headers, { Location: want as string }),
  noLocation: (want, obs) => (want ? absent('response', obs.response.headers, ['Location']) : []),
  body: (want, obs) => (bodyText(obs) === want ? [] : [`body ${JSON.stringify(bodyText(obs).slice(0, 200))}, expected ${JSON.stringify(want)}`]),
  bodyContains: (want, obs) => (bodyText(obs).includes(want as string) ? [] : [`body ${JSON.stringify(bodyText(obs).slice(0, 200))} lacks ${JSON.stringify(want)}`]),
  bodyNotContains: (want, obs) => (bodyText(obs).includes(want as string) ? [`body ${JSON.stringify(bodyText(obs).slice(0, 200))} contains ${JSON.stringify(want)}`] : []),
  bodyNotEmpty: (want, obs) => (want && obs.response.body.length === 0 ? ['body is empty'] : []),
  bodyEqualsBackendBody: (want, obs) =>
    want && !obs.response.body.equals(backendBytes(obs)) ? [`body ${preview(obs.response.body)} (${obs.response.body.length} bytes) differs from the backend's (${backendBytes(obs).length} bytes)`] : [],
  bodyDiffersFromBackendBody: (want, obs) => (want && obs.response.body.equals(backendBytes(obs)) ? ['body equals the backend\'s, expected it changed'] : []),
  bodyDecodesToBackendBody: (want, obs) => {
    if (!want) return [];
    const decoded = decodeResponseBody(obs.response);
    if (typeof decoded === 'string') return [decoded];
    return decoded.equals(backendBytes(obs)) ? [] : [`decoded body ${preview(decoded)} (${decoded.length} bytes) differs from the backend's (${backendBytes(obs).length} bytes)`];
  },
  responseHeaderCount: (want, obs) => {
    const names = [...new Set(obs.response.headers.map(([n]) => lower(n)))].filter((n) => !CONNECTION_MANAGEMENT.has(n));
    return names.length === want ? [] : [`${names.length} response headers (${names.join(', ')}), expected ${String(want)}`];
  },
  errorServiceCalled: (want, obs) => {
    const calls = obs.errorServiceRequests?.length ?? 0;
    return (calls > 0) === want ? [] : [`error service ${want ? 'not called' : `called ${calls} time(s)`}`];
  },
  errorServiceRequestURI: withErrorService((req, want) => (req.url === want ? [] : [`error service request-target ${JSON.stringify(req.url)}, expected ${JSON.stringify(want)}`])),
  errorServiceHost: withErrorService((req, want) => {
    const got = headerValues(req.headers, 'host');
    return valuesMatch(got, want as string) ? [] : [`error service Host ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`];
  }),
  errorServiceHeaders: withErrorService((req, want) => headerSubset('error service', req.headers, want as Record<string, string>)),
  errorServiceHeadersAbsent: withErrorService((req, want) => absent('error service', req.headers, want as string[])),
  retryAttempts: (want, obs) => {
    if (!obs.checkRetries) return ['retryAttempts needs a retry backend'];
    const problem = obs.checkRetries(want as number);
    return problem === undefined ? [] : [problem];
  },
};

/** Expectation keys this runner cannot check over the wire (the case is then "not runnable here"). */
export function unsupportedKeys(expect: Record<string, unknown>): string[] {
  return Object.keys(expect).filter((k) => !(k in CHECKS) && !INFORMATIONAL.has(k) && !CONFIG_KEYS.has(k) && !AUTH_EXPECT_KEYS.includes(k));
}

export function checkExpectations(expect: Record<string, unknown>, obs: Observation): string[] {
  const problems = Object.entries(expect).flatMap(([key, want]) => CHECKS[key]?.(want, obs) ?? []);
  // The auth-request keys qualify each other (authRequestHeadersExact): checked as one group.
  if (AUTH_EXPECT_KEYS.some((k) => expect[k] !== undefined)) {
    problems.push(...(obs.authRequests === undefined ? ['auth-request expectations need an auth server'] : checkAuthCalls(expect, obs.authRequests)));
  }
  // Several checks report "the upstream was not called" for the same cause: say it once.
  return [...new Set(problems)];
}
