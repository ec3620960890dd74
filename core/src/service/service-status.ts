/**
 * Whether a service can take traffic right now, as other services see it: a failover service switches to its
 * fallback when the main service's status turns unhealthy, a weighted service skips children that are down,
 * and Traefik propagates health upwards the same way (a parent is healthy while one child is).
 *
 * Services without health checking report healthy forever and never call the listeners.
 */
export interface ServiceStatus {
  /** True while at least one server (or child service) may receive requests. */
  healthy(): boolean;
  /** Called with the new value each time `healthy()` changes; returns a function that removes the listener. */
  onChange(listener: (healthy: boolean) => void): () => void;
}

/** The status of a service that is not health-checked. */
export const ALWAYS_HEALTHY: ServiceStatus = {
  healthy: () => true,
  onChange: () => () => {},
};
