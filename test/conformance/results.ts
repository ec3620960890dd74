/**
 * Result accounting for a conformance file: every case ends in exactly one outcome, counted per group (the
 * file, or the middleware for middlewares.json), printed as a report and held against a pass-rate threshold.
 */

export type Outcome = 'pass' | 'fail' | 'notRunnable' | 'notImplemented' | 'component';

export interface CaseResult {
  id: string;
  desc: string;
  /** Counting bucket: the file name for rules/priority, the middleware type for middlewares.json. */
  group: string;
  outcome: Outcome;
  /** Why it failed / cannot run here. */
  reason?: string;
}

export interface GroupCounts {
  pass: number;
  fail: number;
  notRunnable: number;
  notImplemented: number;
  component: number;
}

const LABELS: Record<Outcome, string> = {
  pass: 'passed',
  fail: 'failed',
  notRunnable: 'not runnable',
  notImplemented: 'not implemented yet',
  component: 'component (checked by unit tests)',
};

export class Tally {
  readonly results: CaseResult[] = [];

  add(result: CaseResult): void {
    this.results.push(result);
  }

  /** Counts per group, groups in first-seen order. */
  groups(): Map<string, GroupCounts> {
    const map = new Map<string, GroupCounts>();
    for (const r of this.results) {
      let counts = map.get(r.group);
      if (!counts) map.set(r.group, (counts = { pass: 0, fail: 0, notRunnable: 0, notImplemented: 0, component: 0 }));
      counts[r.outcome]++;
    }
    return map;
  }

  totals(): GroupCounts {
    const t: GroupCounts = { pass: 0, fail: 0, notRunnable: 0, notImplemented: 0, component: 0 };
    for (const r of this.results) t[r.outcome]++;
    return t;
  }

  /**
   * `rules.json: N passed, M failed, K not runnable` (plus the other outcomes when present), per-group lines
   * when there is more than one group, then the failures and the cases that cannot run here, with reasons.
   */
  report(file: string): string {
    const lines = [`${file}: ${countsLine(this.totals())}`];
    const groups = this.groups();
    if (groups.size > 1 || (groups.size === 1 && !groups.has(file))) {
      for (const [group, counts] of groups) lines.push(`  ${group}: ${countsLine(counts)}`);
    }
    const listed = (outcome: Outcome, title: string): void => {
      const rs = this.results.filter((r) => r.outcome === outcome);
      if (rs.length === 0) return;
      lines.push(`${title} (${rs.length}):`);
      for (const r of rs) lines.push(`  ${r.id} — ${r.desc}${r.reason ? `\n      ${r.reason.replace(/\n/g, '\n      ')}` : ''}`);
    };
    listed('fail', 'failures');
    listed('notRunnable', 'not runnable here');
    return lines.join('\n');
  }
}

export function countsLine(c: GroupCounts): string {
  const parts = [`${c.pass} ${LABELS.pass}`, `${c.fail} ${LABELS.fail}`, `${c.notRunnable} ${LABELS.notRunnable}`];
  if (c.notImplemented > 0) parts.push(`${c.notImplemented} ${LABELS.notImplemented}`);
  if (c.component > 0) parts.push(`${c.component} ${LABELS.component}`);
  return parts.join(', ');
}

/** Passed share of the cases that ran (passed + failed); 1 when none ran. */
export function passRate(c: GroupCounts): number {
  const ran = c.pass + c.fail;
  return ran === 0 ? 1 : c.pass / ran;
}

/**
 * A message per threshold miss: `rate` is the minimum pass rate of the runnable cases of `group` (or of the
 * whole tally when `group` is undefined). An empty list means every threshold holds.
 */
export function thresholdMisses(tally: Tally, thresholds: { group?: string; rate: number; label: string }[]): string[] {
  const groups = tally.groups();
  const misses: string[] = [];
  for (const { group, rate, label } of thresholds) {
    const counts = group === undefined ? tally.totals() : groups.get(group);
    if (!counts) continue;
    const actual = passRate(counts);
    if (actual < rate) {
      misses.push(`${label}: ${(actual * 100).toFixed(1)} % of ${counts.pass + counts.fail} runnable cases passed, threshold ${rate * 100} %`);
    }
  }
  return misses;
}
