#!/usr/bin/env node
// Portico's benchmark harness (`pnpm bench`, `pnpm bench -- --quick`). See docs/performance.md for the method.
//
// For each profile it starts an upstream (nginx, else a Node server) and every target, then runs wrk against
// the targets in turn, round after round (interleaved, so drift hits all alike), with the target pinned to
// core 0 and wrk + upstream on core 1. Per round it records wrk's req/s and latency percentiles and the CPU
// time the target's process tree spent (utime+stime from /proc) divided by the requests served. The table
// shows medians over rounds; the JSON file keeps every sample.
//
// Options:
//   --quick              small-body profile only, 1 round of 3 s (about half a minute)
//   --profiles=a,b       profiles to run (small, 16k, routers, features); default all
//   --targets=a,b        only these targets (e.g. portico,nginx)
//   --rounds=N           rounds per profile (default 3)
//   --duration=S         seconds per measurement (default 6)
//   --warmup=S           seconds of unmeasured load per target before the first round (default 2)
//   --connections=N      wrk connections (default 64)
//   --no-install         do not apt-get missing tools
//   --out=FILE           JSON results (default test/bench/results/latest.json, plus latest.md)
//   --cpu-prof=DIR       run Portico under `node --cpu-prof`, profiles written to DIR (read them with
//                        `node test/bench/profile-summary.mjs DIR/*.cpuprofile`); CPU figures then include
//                        the profiler's own cost
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureTools } from './lib/tools.mjs';
import { pinning, processTree, cpuMicros, peakRssKiB } from './lib/processes.mjs';
import { runWrk } from './lib/wrk.mjs';
import { TARGETS, porticoBin, startTarget, startUpstream } from './lib/targets.mjs';
import { PROFILES, DEFAULT_PROFILES, QUICK_PROFILES } from './lib/profiles.mjs';
import { summarize, renderTable, renderAddedCost } from './lib/stats.mjs';

const { values: opt } = parseArgs({
  // `pnpm bench -- --quick` may hand the literal "--" through, which parseArgs would read as "options end here".
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    profiles: { type: 'string' },
    targets: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '64' },
    'no-install': { type: 'boolean', default: false },
    out: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});

const quick = opt.quick;
const profiles = opt.profiles ? opt.profiles.split(',') : quick ? QUICK_PROFILES : DEFAULT_PROFILES;
const rounds = Number(opt.rounds ?? (quick ? 1 : 3));
const duration = Number(opt.duration ?? (quick ? 3 : 6));
const warmup = Number(opt.warmup ?? (quick ? 1 : 2));
const connections = Number(opt.connections);
const onlyTargets = opt.targets ? new Set(opt.targets.split(',')) : undefined;
const benchDir = dirname(fileURLToPath(import.meta.url));
const cpuProfDir = opt['cpu-prof'] ? resolve(opt['cpu-prof']) : undefined;
const outFile = opt.out ?? join(benchDir, 'results', 'latest.json');

for (const p of profiles) if (!PROFILES[p]) fail(`unknown profile ${p} (known: ${Object.keys(PROFILES).join(', ')})`);
if (!existsSync(join(dirname(porticoBin), '..', 'dist', 'cli.js'))) fail('Portico is not built: run `pnpm build` first');

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
const log = (line) => process.stderr.write(`${line}\n`);

// A hard bound on the whole run: whatever happens, the harness (and, through its exit hook, every child) stops.
// Per target: its rounds, its warm-up and up to 30 s to start (10,000 routers take a few seconds to load).
const targetCount = profiles.reduce((n, p) => n + PROFILES[p].targets.filter((t) => !onlyTargets || onlyTargets.has(t)).length, 0);
const budgetMs = (targetCount * (rounds * (duration + 2) + warmup + 30) + 120) * 1000;
setTimeout(() => fail(`time budget of ${Math.round(budgetMs / 1000)} s exceeded; stopping`), budgetMs).unref();

const tools = ensureTools({ install: !opt['no-install'] });
if (!tools.wrk) fail('wrk is missing (apt-get install -y wrk)');

const dir = mkdtempSync(join(tmpdir(), 'portico-bench-'));
chmodSync(dir, 0o755);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, pinning };
log(`bench: ${profiles.join(', ')}; ${rounds} round(s) × ${duration} s, ${connections} connections; pinning ${pinning ? 'on (proxy: core 0; wrk + upstream: core 1)' : 'off (one core)'}`);

const upstream = await startUpstream(dir, tools);
log(`bench: upstream ${upstream.kind} at ${upstream.origin}`);

const results = { date: new Date().toISOString(), machine, upstream: upstream.kind, rounds, duration, connections, profiles: [] };
const markdown = [];

for (const profileName of profiles) {
  const profile = PROFILES[profileName];
  const names = profile.targets.filter((n) => (!onlyTargets || onlyTargets.has(n)) && (!TARGETS[n].needs || tools[TARGETS[n].needs]));
  const skipped = profile.targets.filter((n) => TARGETS[n].needs && !tools[TARGETS[n].needs]);
  log(`\nbench: profile ${profileName}: ${profile.title}${skipped.length ? ` (skipped, not installed: ${skipped.join(', ')})` : ''}`);

  const running = [];
  try {
    for (const name of names) {
      let t;
      try {
        t = await startTarget(name, { dir, upstream, tools, bodyBytes: profile.bodyBytes, path: profile.path, cpuProfDir });
      } catch (err) {
        // One baseline that cannot start must not cost the whole run; the report says it is missing.
        log(`bench: ${name} did not start, skipped: ${err.message}`);
        skipped.push(name);
        continue;
      }
      running.push(t);
      if (warmup > 0) await runWrk({ url: t.url, headers: t.headers, seconds: warmup, connections });
    }
    const samples = new Map(running.map((t) => [t.name, []]));
    for (let round = 1; round <= rounds; round++) {
      for (const t of running) {
        const pids = processTree(t.handle.child.pid);
        const cpuBefore = cpuMicros(pids);
        const wrk = await runWrk({ url: t.url, headers: t.headers, seconds: duration, connections });
        const cpu = cpuMicros(pids) - cpuBefore;
        const sample = { ...wrk, cpuPerReq: cpu / wrk.requests, cpuPct: (100 * cpu) / (wrk.seconds * 1e6), rssKiB: peakRssKiB(pids) };
        samples.get(t.name).push(sample);
        if (sample.bytesPerReq < profile.bodyBytes) sample.non2xx += wrk.requests; // a short answer is no answer
        log(`  round ${round} ${t.name.padEnd(24)} ${Math.round(sample.rps).toString().padStart(6)} req/s  p99 ${(sample.p99 / 1000).toFixed(2)} ms  ${sample.cpuPerReq.toFixed(0).padStart(4)} µs/req  CPU ${sample.cpuPct.toFixed(0)}%  ${Math.round(sample.bytesPerReq)} B/resp${wrk.errors + wrk.non2xx ? `  ERRORS ${wrk.errors} socket, ${wrk.non2xx} non-2xx` : ''}`);
        if (t.handle.exited()) throw new Error(`${t.name} exited:\n${t.handle.output()}`);
      }
    }
    const rows = running.map((t) => ({ name: t.name, label: t.label, summary: summarize(samples.get(t.name)), samples: samples.get(t.name) }));
    results.profiles.push({ name: profileName, title: profile.title, skipped, rows });
    const table = renderTable(profile, rows) + (profile.addedCost ? renderAddedCost(profile, rows) : '');
    const note = skipped.length ? `\nNot measured (not installed or did not start): ${skipped.join(', ')}.\n` : '';
    markdown.push(`### ${profile.title}\n\n${table}\n${note}`);
    process.stdout.write(`\n### ${profile.title}\n\n${table}\n`);
  } finally {
    await Promise.all(running.map((t) => t.handle.stop()));
  }
}
await upstream.handle.stop();

const header = `Measured ${results.date} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; upstream ${upstream.kind}; ` +
  `wrk -t1 -c${connections}, ${rounds} round(s) × ${duration} s, medians; pinning ${pinning ? 'proxy on core 0, wrk + upstream on core 1' : 'off'}.`;
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(results, null, 2));
writeFileSync(outFile.replace(/\.json$/, '') + '.md', `${header}\n\n${markdown.join('\n')}`);
log(`\nbench: ${header}\nbench: results in ${outFile}`);
process.exit(0);
