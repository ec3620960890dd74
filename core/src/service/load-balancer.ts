import type { Handler } from '../http/exchange.js';
import { UpstreamError } from '../http/upstream-error.js';
import type { LoadBalancerConfig } from '../config/dynamic/schema.js';
import { relay, type RelayOptions } from '../proxy/relay.js';
import { parseServerUrl, type UpstreamTarget } from '../proxy/upstream-target.js';
import type { Dispatcher } from 'undici';
import { weightedRoundRobin } from './wrr.js';
import { relayUpgrade } from '../proxy/upgrade.js';

export interface LoadBalancerBuild {
  handler: Handler;
  targets: UpstreamTarget[];
  /** Problems that do not stop the service (unsupported optional features); shown as warnings. */
  warnings: { path: string; message: string }[];
}

/**
 * Builds a loadBalancer service: server URLs parsed and pooled once, a weighted round robin picker, and a
 * handler that relays to the picked server. Throws (with a key path in `path`) on unusable configuration.
 */
export function buildLoadBalancer(
  cfg: LoadBalancerConfig,
  dispatcherFor: (origin: string) => Dispatcher,
): LoadBalancerBuild {
  const warnings: LoadBalancerBuild['warnings'] = [];
  const targets: UpstreamTarget[] = [];
  const weights: number[] = [];
  cfg.servers.forEach((server, i) => {
    try {
      targets.push(parseServerUrl(server.url, server.preservePath === true, dispatcherFor));
    } catch (err) {
      throw Object.assign(new Error((err as Error).message), { path: `loadBalancer.servers[${i}].url` });
    }
    weights.push(server.weight ?? 1);
  });
  if (cfg.strategy !== undefined && cfg.strategy !== 'wrr') {
    throw Object.assign(new Error(`strategy "${cfg.strategy}" is not supported yet (only wrr)`), { path: 'loadBalancer.strategy' });
  }
  for (const key of ['sticky', 'healthCheck', 'passiveHealthCheck'] as const) {
    if (cfg[key] !== undefined) warnings.push({ path: `loadBalancer.${key}`, message: `${key} is not implemented yet and is ignored: every server receives traffic` });
  }
  if (cfg.serversTransport !== undefined) warnings.push({ path: 'loadBalancer.serversTransport', message: 'serversTransport references are not implemented yet; the default transport is used' });

  const pick = weightedRoundRobin(targets, weights);
  const options: RelayOptions = { passHostHeader: cfg.passHostHeader };
  const handler: Handler = (ex) => {
    const target = pick();
    if (target === undefined) return Promise.reject(new UpstreamError(503, false, 'no server available'));
    return ex.upgrade === null ? relay(ex, target, options) : relayUpgrade(ex, target, options.passHostHeader);
  };
  return { handler, targets, warnings };
}
