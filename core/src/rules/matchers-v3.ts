// Matchers of the v3 rule syntax (Traefik's pkg/muxer/http/matcher.go). Each builder validates
// its arguments at config time (throwing an Error whose message says what is wrong) and returns a
// closure over precomputed values.
import { compileGoRegexp } from './go-regexp.js';
import { hostExpressionTest } from './host-expression.js';
import { IpChecker } from './ip.js';
import { queryOf, utf8FromLatin1, type RoutingInput } from './request.js';

export type Matcher = (input: RoutingInput) => boolean;
export type MatcherBuilder = (values: string[]) => Matcher;

export const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);

const never: Matcher = () => false;

/**
 * Header values as Go's Request.Header holds them: Go moves Host out of the header map and drops
 * Transfer-Encoding, and HTTP/2 pseudo-headers are never in it.
 */
export function headerLookup(name: string): ((input: RoutingInput) => string[] | undefined) | undefined {
  const key = name.toLowerCase();
  if (key === 'host' || key === 'transfer-encoding' || key.startsWith(':')) return undefined;
  return (input) => input.headers[key];
}

/** A header value as Go sees it (UTF-8), whatever Node decoded it as. */
export const headerValue = utf8FromLatin1;

// Per-request helpers written as loops: no callback allocated per call.
export function someEquals(values: string[] | undefined, value: string, convert: (v: string) => string = (v) => v): boolean {
  if (!values) return false;
  for (let k = 0; k < values.length; k++) if (convert(values[k]!) === value) return true;
  return false;
}

export function someMatch(values: string[] | undefined, re: RegExp, convert: (v: string) => string = (v) => v): boolean {
  if (!values) return false;
  for (let k = 0; k < values.length; k++) if (re.test(convert(values[k]!))) return true;
  return false;
}

export function regexpArg(matcher: string, pattern: string): RegExp {
  try {
    return compileGoRegexp(pattern);
  } catch (err) {
    throw new Error(`compiling ${matcher} matcher: ${(err as Error).message}`);
  }
}

export function clientIpMatcher(values: string[]): Matcher {
  let checker: IpChecker;
  try {
    checker = new IpChecker(values);
  } catch (err) {
    throw new Error(`ClientIP: ${(err as Error).message}`);
  }
  return (input) => checker.contains(input.clientIp);
}

function host(values: string[]): Matcher {
  const expr = values[0]!;
  if (!isAscii(expr)) {
    throw new Error(`invalid value ${JSON.stringify(expr)} for Host matcher, non-ASCII characters are not allowed (use punycode)`);
  }
  const lower = expr.toLowerCase();
  const exact = hostExpressionTest(lower);
  const withoutDot = lower.endsWith('.') ? hostExpressionTest(lower.slice(0, -1)) : undefined;
  return (input) => {
    const h = input.host;
    if (h === '') return false;
    if (exact(h)) return true;
    // A trailing dot (fully qualified name) on either side is ignored.
    if (withoutDot?.(h)) return true;
    return h.endsWith('.') && exact(h.slice(0, -1));
  };
}

function hostRegexp(values: string[]): Matcher {
  const pattern = values[0]!;
  if (!isAscii(pattern)) {
    throw new Error(`invalid value ${JSON.stringify(pattern)} for HostRegexp matcher, non-ASCII characters are not allowed`);
  }
  const re = regexpArg('HostRegexp', pattern);
  // Traefik also tests the CNAME-flattened host, which is empty unless flattening is enabled:
  // a regexp that matches the empty string therefore matches every request.
  if (re.test('')) return () => true;
  return (input) => re.test(input.host);
}

function pathArg(matcher: string, path: string): string {
  if (!path.startsWith('/')) throw new Error(`${matcher}: path ${JSON.stringify(path)} does not start with a '/'`);
  return path;
}

function header(values: string[]): Matcher {
  const get = headerLookup(values[0]!);
  const value = values[1]!;
  if (!get) return never;
  return (input) => someEquals(get(input), value, headerValue);
}

function headerRegexp(values: string[]): Matcher {
  const get = headerLookup(values[0]!);
  const re = regexpArg('HeaderRegexp', values[1]!);
  if (!get) return never;
  return (input) => someMatch(get(input), re, headerValue);
}

function query(values: string[]): Matcher {
  const key = values[0]!;
  const value = values[1] ?? '';
  return (input) => someEquals(queryOf(input).get(key), value);
}

function queryRegexp(values: string[]): Matcher {
  if (values.length === 1) return query(values);
  const key = values[0]!;
  const re = regexpArg('QueryRegexp', values[1]!);
  return (input) => someMatch(queryOf(input).get(key), re);
}

/** Builders with the argument counts each accepts. */
export const V3_MATCHERS: Record<string, { counts: number[]; build: MatcherBuilder }> = {
  ClientIP: { counts: [1], build: clientIpMatcher },
  Method: {
    counts: [1],
    build: (v) => {
      const method = v[0]!.toUpperCase();
      return (input) => input.method === method;
    },
  },
  Host: { counts: [1], build: host },
  HostRegexp: { counts: [1], build: hostRegexp },
  Path: {
    counts: [1],
    build: (v) => {
      const path = pathArg('Path', v[0]!);
      return (input) => input.path === path;
    },
  },
  PathPrefix: {
    counts: [1],
    build: (v) => {
      const prefix = pathArg('PathPrefix', v[0]!);
      return (input) => input.path.startsWith(prefix);
    },
  },
  PathRegexp: {
    counts: [1],
    build: (v) => {
      const re = regexpArg('PathRegexp', v[0]!);
      return (input) => re.test(input.path);
    },
  },
  Header: { counts: [2], build: header },
  HeaderRegexp: { counts: [2], build: headerRegexp },
  Query: { counts: [1, 2], build: query },
  QueryRegexp: { counts: [1, 2], build: queryRegexp },
};
