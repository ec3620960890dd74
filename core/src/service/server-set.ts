import type { UpstreamTarget } from '../proxy/upstream-target.js';
import type { ServiceStatus } from './service-status.js';

/**
 * One server of a load balancer with the live state the health checks change and the pickers read.
 * Plain mutable fields: the pickers read `available` and `inflight` on every request.
 */
export interface ServerSlot {
  readonly index: number;
  readonly target: UpstreamTarget;
  /** Weight in weighted round robin; 0 = never picked (not even by p2c). */
  readonly weight: number;
  /** The active health check's verdict (true until a check fails). */
  activeUp: boolean;
  /** Taken out by the passive health check (too many failed requests in the window). */
  passiveDown: boolean;
  /** activeUp && !passiveDown, cached for the pickers. */
  available: boolean;
  /** Requests being relayed to this server now (maintained only when the p2c strategy needs it). */
  inflight: number;
}

export type ServerState = 'UP' | 'DOWN';

/**
 * The servers of one load balancer and their health, as one ServiceStatus: healthy while at least one server
 * is available, with listeners told when that flips (what failover and weighted parents watch).
 */
export class ServerSet implements ServiceStatus {
  readonly slots: ServerSlot[];
  private upCount = 0;
  private listeners: ((healthy: boolean) => void)[] = [];

  constructor(targets: UpstreamTarget[], weights: number[], initiallyUp: (url: string) => boolean = () => true) {
    this.slots = targets.map((target, index) => {
      const up = initiallyUp(target.url);
      return { index, target, weight: weights[index], activeUp: up, passiveDown: false, available: up, inflight: 0 };
    });
    for (const s of this.slots) if (s.available && s.weight > 0) this.upCount++;
  }

  healthy(): boolean {
    return this.upCount > 0;
  }

  onChange(listener: (healthy: boolean) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Records the active health check's verdict for one server. */
  setActive(index: number, up: boolean): void {
    const slot = this.slots[index];
    slot.activeUp = up;
    this.refresh(slot);
  }

  /** Records the passive health check's verdict for one server. */
  setPassiveDown(index: number, down: boolean): void {
    const slot = this.slots[index];
    slot.passiveDown = down;
    this.refresh(slot);
  }

  /** Server URL → UP/DOWN, as Traefik's API shows it in `serverStatus`. */
  serverStatus(): Record<string, ServerState> {
    const out: Record<string, ServerState> = {};
    for (const s of this.slots) out[s.target.url] = s.available ? 'UP' : 'DOWN';
    return out;
  }

  private refresh(slot: ServerSlot): void {
    const now = slot.activeUp && !slot.passiveDown;
    if (now === slot.available) return;
    slot.available = now;
    if (slot.weight <= 0) return;
    const before = this.upCount > 0;
    this.upCount += now ? 1 : -1;
    const after = this.upCount > 0;
    if (before !== after) for (const l of [...this.listeners]) l(after);
  }
}
