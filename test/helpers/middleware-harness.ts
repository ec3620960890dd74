/**
 * Runs middleware plugins over real loopback sockets, without the rest of the proxy: an `http.Server` on
 * 127.0.0.1:0 builds an Exchange per request and runs the chain built from the plugins (strict decode →
 * provision → validate → build, as the kernel does), ending in a terminal handler the test passes — usually
 * `fakeUpstream()`, which records what the upstream would have received and answers as told.
 *
 * Errors are turned into answers as the entrypoint does: a rejected UpstreamError becomes its status (502/504)
 * with Go's status text, anything else a 500 (and is kept in `harness.errors` so tests can assert there was none).
 */
import http from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, Exchange, UpstreamError, decode, statusText } from '@portico/sdk';
import type { ElementContext, Handler, MiddlewareFactory, MiddlewarePlugin, Plugin } from '@portico/sdk';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

// ---------------------------------------------------------------------------------------------------------
// Element context and building

export interface TestContext extends ElementContext {
  /** Messages logged at warn level (deprecations, ignored options). */
  readonly warnings: string[];
  /** Runs the functions registered with onCleanup (what the kernel does when the element is discarded). */
  runCleanups(): Promise<void>;
}

/**
 * A simple ElementContext. Pass the same `store` to two contexts to simulate a configuration reload: state
 * survives, as the kernel guarantees for an element that keeps existing.
 */
export function createTestContext(opts: { element?: string; store?: Map<string, unknown> } = {}): TestContext {
  const store = opts.store ?? new Map<string, unknown>();
  const warnings: string[] = [];
  const cleanups: Array<() => void | Promise<void>> = [];
  const noop = () => {};
  const log: Record<string, unknown> = {
    trace: noop,
    debug: noop,
    info: noop,
    error: noop,
    fatal: noop,
    warn: (...args: unknown[]) => warnings.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')),
  };
  log.child = () => log;
  return {
    element: opts.element ?? 'test@file',
    provider: 'file',
    log: log as unknown as ElementContext['log'],
    warnings,
    state<T>(key: string, create: () => T): T {
      if (!store.has(key)) store.set(key, create());
      return store.get(key) as T;
    },
    onCleanup(fn) {
      cleanups.push(fn);
    },
    async runCleanups() {
      for (const fn of cleanups.splice(0)) await fn();
    },
  };
}

/** The plugin of a package's default export that handles `type`. */
export function findPlugin(plugins: Plugin[], type: string): MiddlewarePlugin {
  const found = plugins.find((p): p is MiddlewarePlugin => p.kind === 'middleware' && p.type === type);
  if (found === undefined) throw new Error(`no middleware plugin of type ${type}`);
  return found;
}

/**
 * Decodes a raw configuration strictly and runs provision → validate → build. Decode problems are thrown as a
 * ConfigError listing every issue (path of the first one).
 */
export async function buildMiddleware(plugin: MiddlewarePlugin, raw: unknown, ctx: ElementContext = createTestContext()): Promise<MiddlewareFactory> {
  const { value, issues } = decode(plugin.schema, raw);
  if (issues.length > 0) {
    throw new ConfigError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues[0].path);
  }
  const prepared = plugin.provision ? await plugin.provision(value, ctx) : value;
  plugin.validate?.(prepared, ctx);
  return plugin.build(prepared, ctx);
}

/** Builds and returns the ConfigError the configuration raises, or undefined when it is accepted. */
export async function configErrorOf(plugin: MiddlewarePlugin, raw: unknown, ctx?: ElementContext): Promise<ConfigError | undefined> {
  try {
    await buildMiddleware(plugin, raw, ctx);
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Server

export interface HarnessOptions {
  /** Middlewares, outermost first. */
  middlewares: MiddlewareFactory | MiddlewareFactory[];
  terminal: Handler;
  entryPoint?: string;
  /** Marks exchanges as TLS (the socket stays plain HTTP). */
  tls?: boolean;
  /** Client IP given to exchanges instead of the socket peer. */
  clientIp?: string;
}

export interface TestRequest {
  method?: string;
  /** Raw request-target, sent as is (no normalization), query included. */
  path?: string;
  /** Header lines; an array means repeated lines. */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  basicAuth?: { username: string; password: string };
}

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Header names and values as sent, in order. */
  rawHeaders: string[];
  body: string;
}

export interface Harness {
  url: string;
  port: number;
  /** Non-UpstreamError failures of the chain (each answered 500). */
  errors: unknown[];
  /** Exchanges seen, in arrival order (to inspect retryAttempts, user, status…). */
  exchanges: Exchange[];
  request(req?: TestRequest): Promise<TestResponse>;
  close(): Promise<void>;
}

export function compose(middlewares: MiddlewareFactory[], terminal: Handler): Handler {
  let handler = terminal;
  for (let i = middlewares.length - 1; i >= 0; i--) handler = middlewares[i](handler);
  return handler;
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const chain = compose(Array.isArray(opts.middlewares) ? opts.middlewares : [opts.middlewares], opts.terminal);
  const errors: unknown[] = [];
  const exchanges: Exchange[] = [];
  const fail = (ex: Exchange, err: unknown) => {
    if (err instanceof UpstreamError) {
      ex.respond(err.status, statusText[err.status] ?? 'Error');
      return;
    }
    errors.push(err);
    ex.respond(500, statusText[500]);
  };
  const server = http.createServer((req, res) => {
    const ex = new Exchange(req, res, opts.entryPoint ?? 'web', opts.clientIp ?? req.socket.remoteAddress ?? '', opts.tls ?? false, process.hrtime.bigint());
    exchanges.push(ex);
    let pending: void | Promise<void>;
    try {
      pending = chain(ex);
    } catch (err) {
      fail(ex, err);
      return;
    }
    if (pending !== undefined) pending.then(undefined, (err: unknown) => fail(ex, err));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    errors,
    exchanges,
    request: (req = {}) => sendRequest(port, req),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One request over a fresh connection, with the request-target and header lines exactly as given. */
export function sendRequest(port: number, req: TestRequest): Promise<TestResponse> {
  const headers: OutgoingHttpHeaders = { ...req.headers };
  if (req.basicAuth !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${req.basicAuth.username}:${req.basicAuth.password}`).toString('base64')}`;
  }
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  if (body !== undefined && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    headers['content-length'] = body.length;
  }
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path ?? '/', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(body);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Fake upstream

export interface UpstreamCall {
  method: string;
  /** Path and query as the upstream request line carries them ('/' for an empty path, as Go sends). */
  path: string;
  /** `ex.path` as the middlewares left it (escaped form, may be ''). */
  rawPath: string;
  /** Percent-decoded path (Go's URL.Path); '' when the path is empty. */
  decodedPath: string;
  /** Request headers as the middlewares left them (copy; a key with an undefined value is kept). */
  headers: Record<string, string | string[] | undefined>;
  /** Whether the proxy would append the client IP to X-Forwarded-For. */
  appendXForwardedFor: boolean;
  body: Buffer;
  user: string;
}

export interface UpstreamAnswer {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body?: string;
  /** Answer after this many ms. */
  delayMs?: number;
}

/** What an attempt does: answer, or fail before reaching a server (`network-error`, an UpstreamError 502). */
export type UpstreamBehaviour = UpstreamAnswer | 'network-error';

/**
 * A terminal handler standing for service + upstream: records each call and answers `answer` (or
 * `answer(callIndex)`). It writes its head through `ex.sendHead` and treats a throw from it as the kernel's
 * relay must: nothing more is written and the attempt rejects.
 */
export function fakeUpstream(answer: UpstreamBehaviour | ((index: number, call: UpstreamCall) => UpstreamBehaviour) = {}) {
  const calls: UpstreamCall[] = [];
  const handler: Handler = async (ex) => {
    const body = ex.body ?? (await readBody(ex));
    const call: UpstreamCall = {
      method: ex.method,
      path: (ex.path === '' ? '/' : ex.path) + (ex.query === null ? '' : `?${ex.query}`),
      rawPath: ex.path,
      decodedPath: percentDecode(ex.path),
      headers: { ...ex.headers },
      appendXForwardedFor: ex.appendXForwardedFor,
      body,
      user: ex.user,
    };
    calls.push(call);
    const behaviour = typeof answer === 'function' ? answer(calls.length - 1, call) : answer;
    if (behaviour === 'network-error') throw new UpstreamError(502, false, 'fake upstream: connect ECONNREFUSED');
    if (behaviour.delayMs !== undefined) await new Promise((r) => setTimeout(r, behaviour.delayMs));
    const out = Buffer.from(behaviour.body ?? '');
    // Lower-case names, as the kernel's relay hands upstream heads to sendHead.
    const headers: OutgoingHttpHeaders = { 'content-length': out.length };
    for (const [name, value] of Object.entries(behaviour.headers ?? {})) headers[name.toLowerCase()] = value;
    ex.sendHead(behaviour.status ?? 200, headers);
    ex.res.end(ex.method === 'HEAD' ? undefined : out);
  };
  return { handler, calls };
}

function readBody(ex: Exchange): Promise<Buffer> {
  const req = ex.req;
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

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
