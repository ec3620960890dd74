import type { ServiceStatus } from './service-status.js';

/**
 * A ServiceStatus whose value is set by its owner (a weighted or failover service computing its health from
 * its children's). Listeners run only on a change, so a parent recomputes only when something moved.
 */
export class StatusCell implements ServiceStatus {
  private listeners = new Set<(healthy: boolean) => void>();

  constructor(private value: boolean) {}

  healthy(): boolean {
    return this.value;
  }

  set(value: boolean): void {
    if (value === this.value) return;
    this.value = value;
    for (const listener of [...this.listeners]) listener(value);
  }

  onChange(listener: (healthy: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
