/**
 * middlewares.json: per case one entrypoint, a catch-all router (HostRegexp(`.*`)) through the case's middleware (its
 * `config` as given) to a fake upstream answering as `backend` says and recording what it received; plus the
 * case's auth server (forwardAuth) or error-page service (errors) when it describes one. circuitBreaker cases
 * asking for an open circuit trip it first (circuit-trip.ts); chain cases stating an equivalence compare two
 * routers (chain-equivalence.ts). Cases of middlewares Portico does not have yet, `component` cases (internal
 * functions, covered by unit tests, unless checkable end to end) and cases needing what this runner does not
 * set up (TLS, remote addresses off loopback) are counted apart instead of failing.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuthServerSpec } from '../helpers/forward-auth-corpus.js';
import { AUTH_SERVER_PLACEHOLDER, startAuthServer, startErrorService, type ErrorServiceSpec } from './auxiliary-servers.js';
import { materializeBody, placeholdersIn } from './case-bodies.js';
import type { MiddlewareCase } from './cases.js';
import { equivalentMiddlewares, planChainEquivalence } from './chain-equivalence.js';
import { tripBreaker, tripPlan } from './circuit-trip.js';
import { checkExpectations, unsupportedKeys, type Observation } from './middleware-expect.js';
import { sendRaw } from './raw-http.js';
import { buildRequest } from './request-builder.js';
import type { CaseResult } from './results.js';
import { LoadBalancerCalibration, startRetryBackend, type RetryBackend } from './retry-backends.js';
import { fail, notRunnable, pass, routerNote, type CheckOutcome, type RunnableCase, type SuiteContext, type SuiteEnv, type SuitePlan } from './suite.js';
import { standardPlugins } from '@portico/standard';

/**
 * Middlewares Portico implements: the types the standard distribution registers (so the list follows the code);
 * cases of the others count as "not implemented yet".
 */
export const IMPLEMENTED_MIDDLEWARES: readonly string[] = standardPlugins.flatMap((p) => (p.kind === 'middleware' ? [p.type] : []));

/** Request features this runner does not reproduce. */
const UNSUPPORTED_REQUEST_KEYS = ['tls', 'digestAuth', 'clientCertificate', 'clientIP', 'concurrent', 'cancelWhileWaiting'];

/**
 * Component cases whose assertion is visible on the wire, run end to end: forwardAuth.writeHeader states the
 * headers the auth server receives, which the case's auth server records.
 */
const COMPONENTS_CHECKED_END_TO_END = new Set(['forwardAuth.writeHeader']);

export const USERS_FILE_PLACEHOLDER = '<temp file with usersFileContent>';

export async function planMiddlewares(
  cases: MiddlewareCase[],
  ctx: SuiteContext,
  implemented: readonly string[] = IMPLEMENTED_MIDDLEWARES,
): Promise<SuitePlan> {
  const settled: CaseResult[] = [];
  const runnable: RunnableCase[] = [];
  const calibration = new LoadBalancerCalibration();
  const armers: (() => Promise<void>)[] = [];

  for (const [index, c] of cases.entries()) {
    const base = { id: c.id, desc: c.desc, group: c.middleware };
    const settle = (outcome: CaseResult['outcome'], reason?: string): void => void settled.push({ ...base, outcome, reason });
    if (!implemented.includes(c.middleware)) {
      settle('notImplemented');
      continue;
    }
    if (c.component !== undefined && !COMPONENTS_CHECKED_END_TO_END.has(c.component)) {
      settle('component');
      continue;
    }
    const name = `mw${String(index).padStart(4, '0')}`;
    if (c.expect.equivalentTo !== undefined) {
      const names = equivalentMiddlewares(c);
      if (!names.ok) settle('notRunnable', names.reason);
      else runnable.push({ ...base, run: await planChainEquivalence(c, ctx, name, names.names) });
      continue;
    }
    const reason = whyNotRunnable(c);
    if (reason !== undefined) {
      settle('notRunnable', reason);
      continue;
    }
    const built = c.request ? buildRequest(c.request, { goHostDefault: true }) : undefined;
    if (built && !built.ok) {
      settle('notRunnable', built.reason);
      continue;
    }

    const port = await ctx.config.addEntryPoint(name, { trustForwardedHeaders: true });
    let options = await materializeOptions(c, ctx.tempDir, name);
    let authRequests: (() => Observation['upstreamRequests']) | undefined;
    if (c.authServer !== undefined || placeholdersIn(options).includes(AUTH_SERVER_PLACEHOLDER)) {
      const auth = await startAuthServer(ctx.upstreams, c.authServer as AuthServerSpec | undefined);
      options = replaceDeep(options, AUTH_SERVER_PLACEHOLDER, auth.url);
      authRequests = auth.requests;
    }
    let errorServiceRequests: (() => Observation['upstreamRequests']) | undefined;
    if (c.errorService !== undefined) {
      // The case names the service as its Go test did (`error`); each case gets its own, so it is renamed.
      const errorService = await startErrorService(ctx.upstreams, c.errorService as ErrorServiceSpec);
      ctx.config.addService(`${name}-error`, [errorService.url]);
      options = { ...(options as Record<string, unknown>), service: `${name}-error` };
      errorServiceRequests = errorService.requests;
    }
    ctx.config.addMiddleware(name, c.middleware, options);
    const backendBody = materializeBody(c.backend?.body, c.backend?.status ?? 200);

    let retry: RetryBackend | undefined;
    let armProblem: string | undefined;
    let urls: string[];
    let upstreamRequests: () => Observation['upstreamRequests'];
    let before: ((send: () => ReturnType<typeof sendRaw>) => Promise<string | undefined>) | undefined;
    if (c.backend?.attemptSequence !== undefined) {
      const backend = await startRetryBackend(ctx.upstreams, c.backend, calibration);
      retry = backend;
      armers.push(async () => void (armProblem = await backend.arm()));
      urls = backend.urls;
      upstreamRequests = () => backend.requests();
    } else {
      const answer = { status: c.backend?.status ?? 200, headers: c.backend?.headers, body: backendBody ?? '' };
      const upstream = await ctx.upstreams.start(() => answer);
      urls = [upstream.url];
      upstreamRequests = () => upstream.requests;
      if (c.request?.circuitState === 'open') {
        const trip = tripPlan(c.config);
        if (!trip.ok) throw new Error(`unreachable: ${trip.reason}`); // whyNotRunnable checked it
        upstream.responder = () => trip.failing;
        // Trip with a failing backend, then let it recover: only the case's request counts as "the upstream".
        before = async (send) => {
          const problem = await tripBreaker({ send, hits: () => upstream.hits, openStatus: Number(c.config.responseCode ?? 503) });
          upstream.responder = () => answer;
          const baseline = upstream.hits;
          upstreamRequests = () => upstream.requests.slice(baseline);
          return problem;
        };
      }
    }
    ctx.config.addService(name, urls);
    // Every request must reach the middleware, including absolute-form targets without a path (`http://foo`),
    // which PathPrefix(`/`) would not match: a host regexp that also matches the empty host catches all.
    ctx.config.addRouter(name, name, { rule: 'HostRegexp(`.*`)', middlewares: [name], service: name });

    const request = built?.request;
    const requestExpect = Object.fromEntries(Object.entries(c.expect).filter(([k]) => k !== 'configError' && k !== 'errorMessage'));
    runnable.push({
      ...base,
      run: async (env) => {
        if (c.expect.configError !== undefined) {
          const outcome = await checkConfigError(env, name, c.expect.configError === true, c.expect.errorMessage as string | undefined);
          if (outcome.outcome !== 'pass' || c.expect.configError === true || request === undefined) return outcome;
        }
        if (request === undefined) return notRunnable('no request to send');
        if (armProblem !== undefined) return notRunnable(armProblem);
        const send = () => sendRaw(port, request.bytes, { localAddress: request.localAddress, head: request.head });
        const setupProblem = await before?.(send);
        if (setupProblem !== undefined) return fail(setupProblem + routerNote(env, name));
        const response = await send();
        const problems = checkExpectations(requestExpect, {
          response,
          upstreamRequests: upstreamRequests(),
          backendBody,
          authRequests: authRequests?.(),
          errorServiceRequests: errorServiceRequests?.(),
          checkRetries: retry?.checkRetries,
        });
        return problems.length === 0 ? pass : fail(problems.join('; ') + routerNote(env, name));
      },
    });
  }

  await calibration.configure(ctx);
  return {
    settled,
    runnable,
    afterStart: async () => {
      await calibration.calibrate();
      for (const arm of armers) await arm();
    },
  };
}

/** Why a case of an implemented middleware cannot run here, or undefined. */
function whyNotRunnable(c: MiddlewareCase): string | undefined {
  // `<auth server>` is provided (auxiliary-servers.ts); other placeholders describe what only the Go test built.
  const placeholders = placeholdersIn(c.config).filter((p) => p !== AUTH_SERVER_PLACEHOLDER && p !== USERS_FILE_PLACEHOLDER);
  if (placeholders.length > 0) return `config needs ${placeholders.join(', ')} (not set up by this runner)`;
  // Keys like "-" are Go struct fields without a configuration name (set directly by the Go test).
  const internal = Object.keys(c.config ?? {}).filter((k) => !/^[A-Za-z]/.test(k));
  if (internal.length > 0) return `config sets ${internal.join(', ')}, an internal field that configuration cannot express`;
  const keys = unsupportedKeys(c.expect);
  if (keys.length > 0) return `expectations not checkable over the wire by this runner: ${keys.join(', ')}`;
  if (c.request === null || c.request === undefined) {
    return c.expect.configError === undefined ? 'no request and no configError expectation' : undefined;
  }
  // `tls: false` is a plain request; only the features actually asked for are out of reach.
  const features = UNSUPPORTED_REQUEST_KEYS.filter((k) => c.request![k] !== undefined && c.request![k] !== false);
  if (features.length > 0) return `request needs ${features.join(', ')} (not reproduced by this runner)`;
  // HTTP/1.1 cannot carry a literal space or control character in the request target (the README's caveat).
  if (/[\s\x00-\x1f\x7f]/.test(c.request.path ?? '')) return 'request path has a literal space or control character, which cannot be sent over HTTP/1.1';
  const circuitState = c.request.circuitState;
  if (circuitState !== undefined && circuitState !== 'closed') {
    if (circuitState !== 'open') return `request needs circuitState ${JSON.stringify(circuitState)} (only "open" is set up, by tripping the breaker)`;
    if (c.backend?.attemptSequence !== undefined) return 'an open circuit with a retry backend is not set up by this runner';
    const trip = tripPlan(c.config);
    if (!trip.ok) return trip.reason;
  }
  return undefined;
}

/** The case's options with the users-file placeholder replaced by a temp file holding `usersFileContent`. */
async function materializeOptions(c: MiddlewareCase, tempDir: string, name: string): Promise<unknown> {
  if (c.usersFileContent === undefined) return c.config;
  const file = join(tempDir, `${name}.users`);
  await writeFile(file, c.usersFileContent);
  return replaceDeep(c.config, USERS_FILE_PLACEHOLDER, file);
}

export function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  }
  return value;
}

/**
 * configError true: the router is disabled and the middleware's error is visible in the API (containing
 * `errorMessage` when given). false: the router is enabled.
 */
async function checkConfigError(env: SuiteEnv, name: string, expectError: boolean, errorMessage: string | undefined): Promise<CheckOutcome> {
  const router = env.routers.get(`${name}@file`);
  if (router === undefined) return fail(`router ${name}@file is not listed by the API`);
  if (!expectError) {
    return router.status === 'enabled' ? pass : fail(`expected a valid configuration, router is ${router.status}: ${JSON.stringify(router.error ?? [])}`);
  }
  if (router.status !== 'disabled') return fail(`expected a configuration error, router is ${router.status}`);
  let middleware: { status?: string; error?: string[] };
  try {
    middleware = await env.portico.api(`/api/http/middlewares/${name}@file`);
  } catch (err) {
    return fail(`middleware ${name}@file not readable from the API: ${(err as Error).message}`);
  }
  const errors = [...(middleware.error ?? []), ...(router.error ?? [])];
  if ((middleware.error?.length ?? 0) === 0) return fail(`middleware ${name}@file has no error in the API (status ${middleware.status})`);
  if (errorMessage !== undefined && !errors.some((e) => e.includes(errorMessage))) {
    return fail(`no error mentions ${JSON.stringify(errorMessage)}: ${JSON.stringify(errors)}`);
  }
  return pass;
}
