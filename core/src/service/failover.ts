import type { Handler } from '../http/exchange.js';
import { UpstreamError } from '../http/upstream-error.js';
import type { FailoverConfig } from '../config/dynamic/schema.js';
import { ALWAYS_HEALTHY } from './service-status.js';
import { StatusCell } from './status-cell.js';
import { ServiceConfigError, type ChildService, type CompositeBuild } from './service-build.js';

/**
 * Failover service (Traefik v3): requests go to the main service while it is healthy, to the fallback while it
 * is not, and are answered 503 when both are down. The main service must be health-checked (Traefik refuses
 * the service otherwise: it could never switch). The fallback's health is followed only when the failover sets
 * `healthCheck: {}`; without it the fallback is assumed up and the failover reports no health of its own.
 *
 * The switch is a boolean read per request; it flips when a child's status listener fires.
 */
export function buildFailover(cfg: FailoverConfig, main: ChildService, fallback: ChildService): CompositeBuild {
  if (!main.healthChecked) {
    throw new ServiceConfigError(`service "${main.name}" is not health-checked: the main service of a failover needs a healthCheck`, main.path);
  }
  const wantsHealth = cfg.healthCheck !== undefined;
  if (wantsHealth && !fallback.healthChecked) {
    throw new ServiceConfigError(`service "${fallback.name}" is not health-checked: with healthCheck set, the fallback of a failover needs a healthCheck`, fallback.path);
  }

  let mainUp = main.status.healthy();
  let fallbackUp = wantsHealth ? fallback.status.healthy() : true;
  const own = wantsHealth ? new StatusCell(mainUp || fallbackUp) : null;
  const unsubscribe = [
    main.status.onChange((up) => {
      mainUp = up;
      own?.set(mainUp || fallbackUp);
    }),
  ];
  if (wantsHealth) {
    unsubscribe.push(
      fallback.status.onChange((up) => {
        fallbackUp = up;
        own?.set(mainUp || fallbackUp);
      }),
    );
  }

  const toMain = main.handler;
  const toFallback = fallback.handler;
  const handler: Handler = (ex) => {
    if (mainUp) return toMain(ex);
    if (fallbackUp) return toFallback(ex);
    return Promise.reject(new UpstreamError(503, false, 'failover: neither the main service nor the fallback is healthy'));
  };
  return {
    handler,
    status: own ?? ALWAYS_HEALTHY,
    healthChecked: wantsHealth,
    warnings: [],
    close: () => {
      for (const fn of unsubscribe) fn();
    },
  };
}
