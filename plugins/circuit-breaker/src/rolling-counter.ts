/**
 * oxy's memmetrics.RollingCounter: a count over a rolling window of `buckets` slots of `resolutionMs` each
 * (10 × 1 s for the circuit breaker), so a count covers the last 10 seconds. A slot is reused once it falls
 * out of the window.
 */
export type Clock = () => number;

export class RollingCounter {
  private readonly slots: number[];
  private readonly slotIds: number[];
  private pos: number;

  constructor(
    private readonly clock: Clock,
    buckets = 10,
    private readonly resolutionMs = 1000,
  ) {
    this.slots = new Array<number>(buckets).fill(0);
    this.slotIds = new Array<number>(buckets).fill(Number.NEGATIVE_INFINITY);
    this.pos = buckets - 1;
  }

  inc(v = 1): void {
    const id = Math.floor(this.clock() / this.resolutionMs);
    if (this.slotIds[this.pos] !== id) {
      this.pos = (this.pos + 1) % this.slots.length;
      this.slotIds[this.pos] = id;
      this.slots[this.pos] = 0;
    }
    this.slots[this.pos] += v;
  }

  count(): number {
    const n = this.slots.length;
    const min = Math.floor(this.clock() / this.resolutionMs) - n + 1;
    let out = 0;
    for (let i = 0; i < n; i++) {
      const at = (n + this.pos - i) % n;
      if (this.slotIds[at] < min) break;
      out += this.slots[at];
    }
    return out;
  }

  reset(): void {
    this.pos = this.slots.length - 1;
    this.slots.fill(0);
    this.slotIds.fill(Number.NEGATIVE_INFINITY);
  }
}
