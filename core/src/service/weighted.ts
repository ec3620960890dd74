import type { Handler } from '../http/exchange.js';
import { UpstreamError } from '../http/upstream-error.js';
import type { WeightedConfig } from '../config/dynamic/schema.js';
import { ALWAYS_HEALTHY } from './service-status.js';
import { StatusCell } from './status-cell.js';
import { smoothWeightedPicker } from './wrr.js';
import { createStickyCookie } from './sticky-cookie.js';
import { ServiceConfigError, type ChildService, type CompositeBuild } from './service-build.js';

/** A child service in the rotation, with the live state the pickers read. */
interface WeightedSlot {
  readonly handler: Handler;
  readonly weight: number;
  /** Followed from the child's status only when the weighted service sets `healthCheck`; else always true. */
  up: boolean;
}

/**
 * Weighted service (Traefik v3 `weighted`): smooth weighted round robin over child services, optionally sticky
 * by cookie (the cookie names the child service), with health propagation when `healthCheck: {}` is set — then
 * every child must be health-checked, a child that turns unhealthy is skipped until it recovers, and the
 * weighted service reports itself healthy while one child with a weight is. With no child available, 503.
 *
 * Children keep the configured order (Traefik shuffles them at build time; a fixed order makes the split
 * reproducible and changes nothing over a cycle of the weights).
 */
export function buildWeighted(cfg: WeightedConfig, children: ChildService[], serviceName: string): CompositeBuild {
  const wantsHealth = cfg.healthCheck !== undefined;
  if (wantsHealth) {
    for (const child of children) {
      if (!child.healthChecked) {
        throw new ServiceConfigError(`service "${child.name}" is not health-checked: with healthCheck set, every child of a weighted service needs a healthCheck`, child.path);
      }
    }
  }
  const slots: WeightedSlot[] = children.map((child, i) => ({
    handler: child.handler,
    weight: cfg.services[i].weight ?? 1,
    up: wantsHealth ? child.status.healthy() : true,
  }));
  const anyUp = () => slots.some((s) => s.up && s.weight > 0);
  const own = wantsHealth ? new StatusCell(anyUp()) : null;
  const unsubscribe = wantsHealth
    ? children.map((child, i) =>
        child.status.onChange((up) => {
          slots[i].up = up;
          own?.set(anyUp());
        }),
      )
    : [];

  // Children that are down are skipped; the split is exact over a multiple of the total weight (see wrr.ts).
  const pick = smoothWeightedPicker(slots.length, (i) => slots[i].weight, (i) => slots[i].up);
  const cookie = cfg.sticky?.cookie;
  // The cookie names the child as written in the configuration, as Traefik hashes it.
  const sticky = cookie !== undefined ? createStickyCookie(cookie, serviceName, cfg.services.map((s) => s.name)) : null;
  const isAvailable = (i: number) => slots[i].up;
  const noneAvailable = () => Promise.reject(new UpstreamError(503, false, `weighted service ${serviceName}: no available server`));

  const handler: Handler =
    sticky === null
      ? (ex) => {
          const i = pick();
          return i === -1 ? noneAvailable() : slots[i].handler(ex);
        }
      : (ex) => {
          const i = sticky.choose(ex, isAvailable, pick);
          return i === -1 ? noneAvailable() : slots[i].handler(ex);
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

