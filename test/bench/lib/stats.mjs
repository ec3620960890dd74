// Medians over rounds, and the table the harness prints (Markdown, so docs/performance.md can quote it).
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** One row per target: medians of the rounds' figures. */
export function summarize(samples) {
  return {
    rounds: samples.length,
    rps: median(samples.map((s) => s.rps)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    cpuPerReq: median(samples.map((s) => s.cpuPerReq)),
    cpuPct: median(samples.map((s) => s.cpuPct)),
    rssMiB: Math.max(...samples.map((s) => s.rssKiB)) / 1024,
    errors: samples.reduce((a, s) => a + s.errors + s.non2xx, 0),
  };
}

const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const ms = (us) => (Number.isFinite(us) ? (us / 1000).toFixed(2) : '–');

/** Markdown table for one profile. */
export function renderTable(profile, rows) {
  const subject = rows.find((r) => r.name === profile.subject)?.summary;
  const ratioHead = profile.ratio === 'portico-over-row' ? 'Portico CPU ÷ this' : 'this CPU ÷ Portico';
  const lines = [
    `| target | req/s | p50 ms | p99 ms | CPU µs/req | CPU % | peak RSS MiB | ${ratioHead} | req/s: this ÷ Portico | errors |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { name, label, summary: s } of rows) {
    let ratio = NaN;
    if (subject) ratio = profile.ratio === 'portico-over-row' ? subject.cpuPerReq / s.cpuPerReq : s.cpuPerReq / subject.cpuPerReq;
    const rpsRatio = subject ? s.rps / subject.rps : NaN;
    const self = name === profile.subject;
    lines.push(
      `| ${label} | ${fmt(s.rps)} | ${ms(s.p50)} | ${ms(s.p99)} | ${fmt(s.cpuPerReq)} | ${fmt(s.cpuPct)} | ${fmt(s.rssMiB, 1)} | ${self ? '1' : `${fmt(ratio, 2)}×`} | ${self ? '1' : `${fmt(rpsRatio, 2)}×`} | ${s.errors} |`,
    );
  }
  return lines.join('\n');
}

/** For profiles with `addedCost`: CPU µs per request each row adds over the subject (medians of rounds). */
export function renderAddedCost(profile, rows) {
  const subject = rows.find((r) => r.name === profile.subject)?.summary;
  if (!subject) return '';
  const lines = rows
    .filter((r) => r.name !== profile.subject)
    .map((r) => `- ${r.label}: ${(r.summary.cpuPerReq - subject.cpuPerReq).toFixed(1)} µs CPU added per request`);
  return `\n\nAdded over ${profile.subject}:\n${lines.join('\n')}\n`;
}
