import type { ProviderSnapshot } from '../plugin/types.js';

/**
 * Keeps the latest snapshot of each provider and applies the union: identical snapshots are dropped, bursts are
 * coalesced (providers.providersThrottleDuration: at most one apply per window, always with the newest data),
 * and applies never overlap — a change that arrives during an apply is applied right after it.
 */
export class Aggregator {
  private readonly latest = new Map<string, ProviderSnapshot>();
  private readonly fingerprints = new Map<string, string>();
  private lastApplyAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private applying: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;

  constructor(
    private readonly throttleMs: number,
    private readonly apply: (snapshots: Map<string, ProviderSnapshot>) => Promise<void>,
    /** Provider order used when merging (providers started first come first). */
    private readonly order: string[] = [],
  ) {}

  push(provider: string, snapshot: ProviderSnapshot): void {
    if (this.stopped) return;
    const fp = JSON.stringify([snapshot.config, snapshot.origins ?? null, snapshot.source ?? null]);
    if (this.fingerprints.get(provider) === fp) return;
    this.fingerprints.set(provider, fp);
    this.latest.set(provider, snapshot);
    this.dirty = true;
    this.schedule();
  }

  /** Resolves once every snapshot pushed so far has been applied. */
  async settled(): Promise<void> {
    while (this.applying !== undefined || this.timer !== undefined) {
      if (this.applying) await this.applying;
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.applying !== undefined || this.timer !== undefined || !this.dirty) return;
    const wait = Math.max(0, this.lastApplyAt + this.throttleMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, wait);
  }

  private run(): void {
    if (this.stopped) return;
    this.dirty = false;
    this.lastApplyAt = Date.now();
    const ordered = new Map<string, ProviderSnapshot>();
    for (const name of this.order) if (this.latest.has(name)) ordered.set(name, this.latest.get(name)!);
    for (const [name, snap] of this.latest) if (!ordered.has(name)) ordered.set(name, snap);
    this.applying = this.apply(ordered).finally(() => {
      this.applying = undefined;
      this.schedule();
    });
  }
}
