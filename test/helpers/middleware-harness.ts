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
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ConfigError, Exchange, UpstreamError, decode, statusText } from '@portico/sdk';
import type { ElementContext, Handler, MiddlewareFactory, MiddlewarePlugin, Plugin } from '@portico/sdk';
import { checkExpectations, loadMiddlewareCases, percentDecode, type MiddlewareCase } from './middleware-cases.js';

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

/**
 * One request through one middleware built from `config`, ending in a fake upstream answering `answer`:
 * the common shape of a middleware test. Fails the test if the chain raised an unexpected error.
 */
export async function runOnce(
  plugin: MiddlewarePlugin,
  config: unknown,
  request: TestRequest,
  opts: { answer?: UpstreamBehaviour; ctx?: TestContext; tls?: boolean; clientIp?: string } = {},
): Promise<{ res: TestResponse; calls: UpstreamCall[]; ex: Exchange | undefined; ctx: TestContext }> {
  const ctx = opts.ctx ?? createTestContext();
  const mw = await buildMiddleware(plugin, config, ctx);
  const upstream = fakeUpstream(opts.answer ?? { status: 200 });
  const h = await startHarness({ middlewares: mw, terminal: upstream.handler, tls: opts.tls, clientIp: opts.clientIp });
  try {
    const res = await h.request(request);
    if (h.errors.length > 0) throw new Error(`the chain raised: ${h.errors.map(String).join('; ')}`);
    return { res, calls: upstream.calls, ex: h.exchanges[0], ctx };
  } finally {
    await h.close();
  }
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

// Conformance-case helpers live in their own file; re-exported so plugin tests import one module.
export * from './middleware-cases.js';

// ---------------------------------------------------------------------------------------------------------
// Traefik's middlewares.json cases for one middleware, over real sockets

/**
 * Registers one test per case of `type` in the conformance sample: a config error where Traefik expects one,
 * otherwise the case's request through `plugin` and every expectation checked. `skipReason` returns why a
 * case cannot run here (printed as the skip reason), or undefined.
 */
export function describeConformance(
  type: string,
  plugin: MiddlewarePlugin,
  skipReason: (c: MiddlewareCase) => string | undefined = () => undefined,
): void {
  describe(`${type} conformance (middlewares.json)`, () => {
    const cases = loadMiddlewareCases(type);
    let passed = 0;
    let skipped = 0;
    after(() => console.log(`${type} conformance: ${passed}/${cases.length} cases passed${skipped > 0 ? `, ${skipped} skipped` : ''}`));
    for (const c of cases) {
      const reason = skipReason(c);
      if (reason !== undefined) skipped++;
      test(`${c.id} ${c.desc}`, { skip: reason }, async () => {
        if (c.expect.configError === true) {
          assert.ok(await configErrorOf(plugin, c.config));
        } else {
          const req = c.request;
          assert.ok(req !== null);
          const path = req.path + (req.query !== undefined ? `?${req.query}` : '');
          const { res, calls } = await runOnce(plugin, c.config, { method: req.method, path, headers: { host: req.host ?? 'localhost' } });
          assert.deepEqual(checkExpectations(assert, c, res, calls), []);
        }
        passed++;
      });
    }
  });
}
