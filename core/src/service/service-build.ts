import type { Handler } from '../http/exchange.js';
import type { ServiceStatus } from './service-status.js';

/** What every service kind builds into: the handler, the health it reports to parents. */
export interface ServiceBuild {
  handler: Handler;
  status: ServiceStatus;
  /**
   * Whether the service reports real health (a loadBalancer with `healthCheck`, a weighted/mirroring/failover
   * service with `healthCheck: {}`). Traefik lets a parent follow a child's health only then: a failover whose
   * main service is not health-checked could never switch, so it is refused rather than silently inert.
   */
  healthChecked: boolean;
}

/** A child service referenced by a weighted, mirroring or failover service, built before its parent. */
export interface ChildService extends ServiceBuild {
  /** Qualified name (`name@provider`). */
  name: string;
  /** Key path of the reference, relative to the parent's `http.services.<name>` (for errors). */
  path: string;
}

/** A kind-specific build result: problems that do not stop the service, and listeners to remove on retirement. */
export interface CompositeBuild extends ServiceBuild {
  warnings: { path: string; message: string }[];
  /** Unsubscribes from the children's status; called when the runtime generation is retired. */
  close(): void;
}

/** Thrown by a kind builder for unusable configuration, located at a key path relative to the service. */
export class ServiceConfigError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
    this.name = 'ServiceConfigError';
  }
}
