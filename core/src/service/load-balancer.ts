import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { Exchange, Handler } from '../http/exchange.js';
import { UpstreamError } from '../http/upstream-error.js';
import type { LoadBalancerConfig } from '../config/dynamic/schema.js';
import { relay, type RelayOptions } from '../proxy/relay.js';
import { parseServerUrl, type UpstreamTarget } from '../proxy/upstream-target.js';
import { relayUpgrade } from '../proxy/upgrade.js';
import { ALWAYS_HEALTHY, type ServiceStatus } from './service-status.js';
import { ServerSet, type ServerSlot, type ServerState } from './server-set.js';
import { p2cPicker, wrrPicker } from './server-picker.js';
import { createStickyCookie } from './sticky-cookie.js';
import { planHealthCheck, runHealthChecks, type HealthCheckRun } from './health-check.js';
import { PassiveHealth } from './passive-health.js';

/*
 * Wiring in the runtime (core/src/runtime/build-services.ts):
 *
 *   const lb = buildLoadBalancer(cfg, dispatcherFor, { serviceName: name, log, state: (k, c) => statePool.get(name, k, c) });
 *   cleanups.add(() => lb.close());          // the generation's CleanupList: stops health-check timers
 *   rec.runtimeView = () => ({ serverStatus: lb.serverStatus() });   // the API shows UP/DOWN per server
 *   // failover / weighted parents with a healthCheck watch lb.status (lb.healthChecked says whether Traefik
 *   // would allow it: "healthCheck not enabled in config for this … service").
 */

export interface LoadBalancerBuild {
  handler: Handler;
  targets: UpstreamTarget[];
  /** Problems that do not stop the service (unsupported optional features, defaulted values); shown as warnings. */
  warnings: { path: string; message: string }[];
  /**
   * Healthy while at least one server can take requests; listeners hear when that flips (a health check took
   * the last server out, or brought one back). Without health checks it stays healthy.
   */
  status: ServiceStatus;
  /** True when `healthCheck` is configured (Traefik only lets parents register for status updates then). */
  healthChecked: boolean;
  /** Server URL → UP/DOWN (Traefik's `serverStatus` in /api/http/services). */
  serverStatus(): Record<string, ServerState>;
  /** Stops health-check timers and aborts checks in flight. Call when the configuration generation is retired. */
  close(): void;
}

export interface LoadBalancerOptions {
  /** Qualified service name (`name@provider`): the default sticky cookie name derives from it, as in Traefik. */
  serviceName?: string;
  /** Logger for health-check transitions (a server going DOWN or coming back UP). */
  log?: Pick<Logger, 'warn' | 'info'>;
  /**
   * State that survives reloads (the element's StatePool slot): the last known UP/DOWN of each server URL, so a
   * reload does not send traffic back to a server a health check had taken out (Traefik resets it to UP).
   */
  state?: <T>(key: string, create: () => T) => T;
}

const NO_SERVER_HEADERS = { 'x-content-type-options': 'nosniff' };

/**
 * Builds a loadBalancer service: server URLs parsed and pooled once, a picker (weighted round robin or p2c)
 * over the servers the health checks allow, optional sticky cookie, and a handler that relays to the picked
 * server. Throws (with a key path in `path`) on unusable configuration.
 */
export function buildLoadBalancer(cfg: LoadBalancerConfig, dispatcherFor: (origin: string) => Dispatcher, opts: LoadBalancerOptions = {}): LoadBalancerBuild {
  const warnings: LoadBalancerBuild['warnings'] = [];
  const fail = (path: string, message: string): never => {
    throw Object.assign(new Error(message), { path: `loadBalancer.${path}` });
  };
  const targets: UpstreamTarget[] = [];
  const weights: number[] = [];
  cfg.servers.forEach((server, i) => {
    try {
      targets.push(parseServerUrl(server.url, server.preservePath === true, dispatcherFor));
    } catch (err) {
      fail(`servers[${i}].url`, (err as Error).message);
    }
    weights.push(server.weight ?? 1);
  });
  const strategy = cfg.strategy ?? 'wrr';
  if (strategy !== 'wrr' && strategy !== 'p2c') fail('strategy', `strategy "${strategy}" is not supported yet (use wrr or p2c)`);
  if (cfg.serversTransport !== undefined) warnings.push({ path: 'loadBalancer.serversTransport', message: 'serversTransport references are not implemented yet; the default transport is used' });

  const hc = cfg.healthCheck === undefined ? undefined : planHealthCheck(cfg.healthCheck);
  for (const issue of hc?.issues ?? []) {
    if (issue.severity === 'error') fail(`healthCheck.${issue.path}`, issue.message);
    warnings.push({ path: `loadBalancer.healthCheck.${issue.path}`, message: issue.message });
  }

  // Last known verdicts per server URL, shared with the next generation (only meaningful with a health check).
  const known = hc && opts.state ? opts.state('serverHealth', () => new Map<string, boolean>()) : undefined;
  const set = new ServerSet(targets, weights, (url) => known?.get(url) ?? true);
  const slots = set.slots;
  const passive = cfg.passiveHealthCheck === undefined ? undefined : new PassiveHealth(cfg.passiveHealthCheck, slots.length, (i, down) => set.setPassiveDown(i, down), hc !== undefined);

  let checks: HealthCheckRun | undefined;
  if (hc !== undefined) {
    const log = opts.log;
    checks = runHealthChecks(
      hc.plan,
      slots.map((s) => ({ url: s.target.url, known: known?.has(s.target.url) ?? false, up: () => s.activeUp })),
      dispatcherFor,
      (i, up, reason) => {
        const slot = slots[i];
        if (slot.activeUp !== up) {
          if (up) log?.info({ service: opts.serviceName, server: slot.target.url }, 'health check passed: server back in rotation');
          else log?.warn({ service: opts.serviceName, server: slot.target.url, reason }, 'health check failed: server taken out of rotation');
        }
        known?.set(slot.target.url, up);
        set.setActive(i, up);
        // With both checks, the active one decides when a passively ejected server returns (Traefik's rule).
        if (up && slot.passiveDown) set.setPassiveDown(i, false);
      },
    );
  }

  const pick = strategy === 'p2c' ? p2cPicker(slots) : wrrPicker(slots);
  const sticky = cfg.sticky?.cookie === undefined ? undefined : createStickyCookie(cfg.sticky.cookie, opts.serviceName ?? '', targets.map((t) => t.url));
  const isAvailable = (i: number) => slots[i].available && slots[i].weight > 0;
  const options: RelayOptions = { passHostHeader: cfg.passHostHeader };
  const forward = (ex: Exchange, slot: ServerSlot): Promise<void> =>
    ex.upgrade === null ? relay(ex, slot.target, options) : relayUpgrade(ex, slot.target, options.passHostHeader);
  // In-flight counts and passive verdicts need the outcome of each relay; the plain path skips that work.
  const send = strategy === 'p2c' || passive !== undefined ? trackedForward(forward, passive) : forward;

  const handler: Handler = (ex) => {
    const i = sticky === undefined ? pick() : sticky.choose(ex, isAvailable, pick);
    if (i < 0) {
      // Traefik answers with http.Error(w, "no available server", 503).
      ex.respond(503, 'no available server\n', { ...NO_SERVER_HEADERS });
      return;
    }
    return send(ex, slots[i]);
  };

  return {
    handler,
    targets,
    warnings,
    // By convention (service/status-cell.ts) a service without a health check exposes ALWAYS_HEALTHY itself,
    // so parents that need real health refuse it as Traefik does; a passive check alone does not count.
    status: hc !== undefined ? set : ALWAYS_HEALTHY,
    healthChecked: hc !== undefined,
    serverStatus: () => set.serverStatus(),
    close() {
      checks?.stop();
      passive?.close();
    },
  };
}

/** Wraps the relay to count in-flight requests (p2c) and report outcomes to the passive health check. */
function trackedForward(forward: (ex: Exchange, slot: ServerSlot) => Promise<void>, passive: PassiveHealth | undefined) {
  return async (ex: Exchange, slot: ServerSlot): Promise<void> => {
    slot.inflight++;
    try {
      await forward(ex, slot);
    } catch (err) {
      // Only "no response from the server" counts; a middleware refusing the answer is not the server's fault.
      if (err instanceof UpstreamError) passive?.failure(slot.index);
      throw err;
    } finally {
      slot.inflight--;
    }
    if (passive === undefined) return;
    if (ex.status >= 500) passive.failure(slot.index);
    else passive.success(slot.index);
  };
}
