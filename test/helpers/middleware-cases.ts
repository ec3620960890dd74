/**
 * Traefik conformance cases for middleware unit tests: loading `../shared/conformance/middlewares.json` and
 * checking a case's `expect` keys against what the harness observed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '@portico/sdk';
import type { TestResponse, UpstreamCall } from './middleware-harness.js';
import { repoRoot } from './middleware-harness.js';

/** Go's URL.Path from an escaped path (bytes decoded as UTF-8). */
export function percentDecode(path: string): string {
  if (!path.includes('%')) return path;
  const bytes: number[] = [];
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '%' && /^[0-9a-fA-F]{2}$/.test(path.slice(i + 1, i + 3))) {
      bytes.push(parseInt(path.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(path[i]));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// ---------------------------------------------------------------------------------------------------------
// Conformance corpus

export interface MiddlewareCase {
  id: string;
  middleware: string;
  source?: string;
  desc: string;
  config: Record<string, unknown>;
  request: {
    method?: string;
    host?: string;
    path?: string;
    query?: string;
    headers?: Record<string, string | string[]>;
    remoteAddr?: string;
    requestTarget?: string;
    body?: string;
    basicAuth?: { username: string; password: string };
  } | null;
  backend?: { status?: number; headers?: Record<string, string>; body?: string; attemptSequence?: string[]; delayPerAttempt?: string; [k: string]: unknown };
  expect: Record<string, unknown>;
  component?: string;
  note?: string;
  inferred?: boolean;
  fromDocs?: boolean;
  usersFileContent?: string;
}

/** Where the shared conformance corpus lives: `$PORTICO_CONFORMANCE_DIR`, else `<repo>/../shared/conformance`. */
export function conformanceDir(): string {
  return process.env.PORTICO_CONFORMANCE_DIR ?? join(repoRoot, '..', 'shared', 'conformance');
}

/** The middlewares.json cases of one middleware; [] when the corpus is not present. */
export function loadMiddlewareCases(middleware: string): MiddlewareCase[] {
  const file = join(conformanceDir(), 'middlewares.json');
  if (!existsSync(file)) return [];
  const all = JSON.parse(readFileSync(file, 'utf8')) as MiddlewareCase[];
  return all.filter((c) => c.middleware === middleware);
}

/** Case-insensitive header lookup in a header record. */
export function headerOf(headers: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}

/** Transport headers a socket adds that Go's ResponseRecorder does not have (for `responseHeadersExact`). */
export const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-type']);

// ---------------------------------------------------------------------------------------------------------
// Checking a case's `expect` against what the client and the fake upstream saw

function asValues(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/** Request headers the test client or Node adds on the wire, which a Go handler test does not see. */
const CLIENT_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);

/**
 * Asserts every `expect` key it knows (status, body*, upstream*, response*, retryAttempts) and returns the
 * keys it could not check, for the test to report. `assert` is node:assert/strict, passed in to keep this
 * module free of test-runner imports.
 */
export function checkExpectations(
  assert: typeof import('node:assert/strict'),
  c: MiddlewareCase,
  res: TestResponse,
  calls: UpstreamCall[],
  ex?: Exchange,
): string[] {
  const unchecked: string[] = [];
  const call = calls.at(-1);
  const needCall = () => {
    assert.ok(call !== undefined, `${c.id}: the upstream was not called`);
    return call;
  };
  for (const [key, want] of Object.entries(c.expect)) {
    const msg = `${c.id} (${c.desc}): ${key}`;
    switch (key) {
      case 'status':
        assert.equal(res.status, want, msg);
        break;
      case 'body':
        assert.equal(res.body, want, msg);
        break;
      case 'bodyContains':
        assert.ok(res.body.includes(String(want)), msg);
        break;
      case 'bodyNotContains':
        assert.ok(!res.body.includes(String(want)), msg);
        break;
      case 'upstreamCalled':
        assert.equal(calls.length > 0, want, msg);
        break;
      case 'upstreamPath':
        assert.equal(needCall().path, want, msg);
        break;
      case 'upstreamDecodedPath':
        assert.equal(needCall().rawPath === '' ? '' : needCall().decodedPath, want, msg);
        break;
      case 'upstreamHost':
        assert.equal(needCall().headers.host, want, msg);
        break;
      case 'upstreamHeaders':
        for (const [name, value] of Object.entries(want as Record<string, string>)) {
          assert.equal(asValues(headerOf(needCall().headers, name))?.[0], value, `${msg} ${name}`);
        }
        break;
      case 'upstreamHeadersExactValues':
        for (const [name, values] of Object.entries(want as Record<string, string[]>)) {
          assert.deepEqual(asValues(headerOf(needCall().headers, name)), values, `${msg} ${name}`);
        }
        break;
      case 'upstreamHeadersAbsent':
        for (const name of want as string[]) assert.equal(headerOf(needCall().headers, name), undefined, `${msg} ${name}`);
        break;
      case 'upstreamHeadersPresent':
        for (const name of want as string[]) assert.notEqual(headerOf(needCall().headers, name), undefined, `${msg} ${name}`);
        break;
      case 'upstreamHeadersExact': {
        const got: Record<string, string[]> = {};
        for (const [name, value] of Object.entries(needCall().headers)) {
          if (value !== undefined && !CLIENT_HEADERS.has(name)) got[name] = asValues(value) ?? [];
        }
        const expected: Record<string, string[]> = {};
        for (const [name, value] of Object.entries(want as Record<string, unknown>)) {
          const values = asValues(value);
          if (values !== undefined && values.length > 0) expected[name.toLowerCase()] = values;
        }
        assert.deepEqual(got, expected, msg);
        break;
      }
      case 'responseHeaders':
        for (const [name, value] of Object.entries(want as Record<string, string | null>)) {
          const got = res.headers[name.toLowerCase()];
          if (value === null) assert.equal(got, undefined, `${msg} ${name}`);
          else assert.equal(asValues(got)?.join(', '), value, `${msg} ${name}`);
        }
        break;
      case 'responseHeadersAbsent':
        for (const name of want as string[]) assert.equal(res.headers[name.toLowerCase()], undefined, `${msg} ${name}`);
        break;
      case 'responseHeadersExact': {
        const expected = want as Record<string, string>;
        const expectedNames = new Set(Object.keys(expected).map((n) => n.toLowerCase()));
        for (const [name, value] of Object.entries(expected)) assert.equal(asValues(res.headers[name.toLowerCase()])?.join(', '), value, `${msg} ${name}`);
        for (const name of Object.keys(res.headers)) {
          if (!expectedNames.has(name) && !TRANSPORT_HEADERS.has(name)) assert.fail(`${msg}: unexpected response header ${name}: ${String(res.headers[name])}`);
        }
        break;
      }
      case 'retryAttempts':
        assert.ok(ex !== undefined, msg);
        assert.equal(ex.retryAttempts, want, msg);
        break;
      default:
        unchecked.push(key);
    }
  }
  return unchecked;
}
