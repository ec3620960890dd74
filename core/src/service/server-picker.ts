import type { ServerSlot } from './server-set.js';
import { smoothWeightedPicker } from './wrr.js';

/** Picks the index of the server for the next request among the available ones; -1 when none is. */
export type PickIndex = () => number;

/** Smooth weighted round robin over the servers available right now (see wrr.ts). */
export function wrrPicker(slots: ServerSlot[]): PickIndex {
  const n = slots.length;
  if (n === 0) return () => -1;
  if (n === 1) {
    const only = slots[0];
    return () => (only.available && only.weight > 0 ? 0 : -1);
  }
  return smoothWeightedPicker(n, (i) => slots[i].weight, (i) => slots[i].available);
}

/**
 * Power of two random choices (Traefik's p2c): two distinct available servers drawn at random, the one with
 * fewer in-flight requests wins (ties go to the first draw). Weights are ignored, as in Traefik, except that a
 * weight of 0 keeps a server out. No allocation: the draws are ranks among available servers, mapped back by
 * one scan.
 */
export function p2cPicker(slots: ServerSlot[], random: () => number = Math.random): PickIndex {
  const n = slots.length;
  const eligible = (s: ServerSlot) => s.available && s.weight > 0;
  const nth = (rank: number): number => {
    for (let i = 0; i < n; i++) if (eligible(slots[i]) && rank-- === 0) return i;
    return -1;
  };
  return () => {
    let count = 0;
    for (let i = 0; i < n; i++) if (eligible(slots[i])) count++;
    if (count === 0) return -1;
    if (count === 1) return nth(0);
    const r1 = Math.floor(random() * count);
    let r2 = Math.floor(random() * (count - 1));
    if (r2 >= r1) r2++;
    const a = nth(r1);
    const b = nth(r2);
    return slots[b].inflight < slots[a].inflight ? b : a;
  };
}
