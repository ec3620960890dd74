import { request, type Dispatcher } from 'undici';
import type { ServerHealthCheckConfig } from '../config/dynamic/schema.js';
import { parseDuration } from '../config/duration.js';

/** Traefik's defaults (dynamic.DefaultHealthCheckInterval / Timeout). */
export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 5_000;
/** Go's http.Client stops after 10 redirects. */
const MAX_REDIRECTS = 10;

/** A health check configuration resolved once at build time. */
export interface HealthCheckPlan {
  intervalMs: number;
  unhealthyIntervalMs: number;
  timeoutMs: number;
  method: string;
  /** Expected status; 0 = any 2xx or 3xx (Traefik: 200 ≤ status < 400). */
  status: number;
  followRedirects: boolean;
  headers: Record<string, string>;
  /** Builds the URL checked for a server URL (path, scheme and port applied). */
  urlFor(serverUrl: string): URL;
}

/** Problems found while resolving the plan: errors stop the service, warnings are reported and defaulted. */
export interface PlanIssue {
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** Resolves a healthCheck configuration; `issues` says what is unusable (key paths under `healthCheck`). */
export function planHealthCheck(cfg: ServerHealthCheckConfig): { plan: HealthCheckPlan; issues: PlanIssue[] } {
  const issues: PlanIssue[] = [];
  const duration = (key: 'interval' | 'unhealthyInterval' | 'timeout', fallback: number): number => {
    const v = cfg[key];
    if (v === undefined) return fallback;
    const ms = parseDuration(v);
    if (ms > 0) return ms;
    // Traefik logs an error and uses the default; reported here as a warning on the element.
    issues.push({ path: key, message: `must be positive; the default (${fallback / 1000}s) is used`, severity: 'warning' });
    return fallback;
  };
  if (cfg.mode === 'grpc') {
    issues.push({ path: 'mode', message: 'gRPC health checks are not supported yet (use mode http with an HTTP health endpoint)', severity: 'error' });
  }
  const scheme = cfg.scheme?.toLowerCase();
  if (scheme !== undefined && scheme !== '' && scheme !== 'http' && scheme !== 'https') {
    issues.push({ path: 'scheme', message: `scheme "${cfg.scheme}" is not supported for health checks (use http or https)`, severity: 'error' });
  }
  const intervalMs = duration('interval', DEFAULT_INTERVAL_MS);
  const unhealthyIntervalMs = cfg.unhealthyInterval === undefined ? intervalMs : duration('unhealthyInterval', DEFAULT_INTERVAL_MS);
  const timeoutMs = duration('timeout', DEFAULT_TIMEOUT_MS);
  const path = cfg.path ?? '';
  const plan: HealthCheckPlan = {
    intervalMs,
    unhealthyIntervalMs,
    timeoutMs,
    method: (cfg.method || 'GET').toUpperCase(),
    status: cfg.status ?? 0,
    followRedirects: cfg.followRedirects ?? true,
    headers: { ...(cfg.headers ?? {}), ...(cfg.hostname ? { host: cfg.hostname } : {}) },
    urlFor(serverUrl) {
      // Go's target.Parse(path): an absolute path replaces the server URL's path, a relative one resolves.
      const u = new URL(path, serverUrl);
      if (scheme === 'http' || scheme === 'https') u.protocol = `${scheme}:`;
      if (cfg.port) u.port = String(cfg.port);
      return u;
    },
  };
  return { plan, issues };
}

/**
 * Sends one health check request; resolves with undefined when the server is healthy, or the reason it is not.
 * `dispatcherFor` gives the connection pool of an origin (the same pools the traffic uses), so a check also
 * proves the path the requests take.
 */
export async function probe(plan: HealthCheckPlan, url: URL, dispatcherFor: (origin: string) => Dispatcher, signal: AbortSignal): Promise<string | undefined> {
  let target = url;
  for (let hop = 0; ; hop++) {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(target, { method: plan.method as Dispatcher.HttpMethod, headers: plan.headers, dispatcher: dispatcherFor(target.origin), signal });
    } catch (err) {
      const e = err as { code?: string; message: string };
      return `HTTP request failed: ${e.message}${e.code ? ` (${e.code})` : ''}`;
    }
    // The body is not needed; draining it lets the connection be reused.
    await res.body.dump().catch(() => undefined);
    const code = res.statusCode;
    const location = res.headers.location;
    if (plan.followRedirects && code >= 300 && code < 400 && typeof location === 'string' && hop < MAX_REDIRECTS) {
      target = new URL(location, target);
      continue;
    }
    if (plan.status === 0 && (code < 200 || code >= 400)) return `received error status code: ${code}`;
    if (plan.status !== 0 && code !== plan.status) return `received error status code: ${code} expected status code: ${plan.status}`;
    return undefined;
  }
}

export interface HealthCheckRun {
  /** Stops every timer and aborts checks in flight. */
  stop(): void;
}

/**
 * Checks every server on its own timer: every `intervalMs` while it is up, every `unhealthyIntervalMs` while
 * it is down, and reports each verdict through `report` (which takes the server in or out of the rotation).
 * Servers whose state is not known yet are checked at once; known ones after their interval.
 * Timers are unref'd: a health check never keeps the process alive.
 */
export function runHealthChecks(
  plan: HealthCheckPlan,
  servers: { url: string; known: boolean; up: () => boolean }[],
  dispatcherFor: (origin: string) => Dispatcher,
  report: (index: number, up: boolean, reason: string | undefined) => void,
): HealthCheckRun {
  const abort = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const schedule = (index: number, delayMs: number) => {
    if (abort.signal.aborted) return;
    const t = setTimeout(() => {
      timers.delete(t);
      void check(index);
    }, delayMs);
    t.unref();
    timers.add(t);
  };
  const check = async (index: number) => {
    const server = servers[index];
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(plan.timeoutMs)]);
    let reason: string | undefined;
    try {
      reason = await probe(plan, plan.urlFor(server.url), dispatcherFor, signal);
    } catch (err) {
      reason = (err as Error).message;
    }
    if (abort.signal.aborted) return;
    if (reason !== undefined && signal.aborted) reason = `health check timed out after ${plan.timeoutMs} ms`;
    report(index, reason === undefined, reason);
    schedule(index, reason === undefined ? plan.intervalMs : plan.unhealthyIntervalMs);
  };
  servers.forEach((s, i) => schedule(i, s.known ? (s.up() ? plan.intervalMs : plan.unhealthyIntervalMs) : 0));
  return {
    stop() {
      abort.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
