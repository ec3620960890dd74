#!/usr/bin/env node
// Where the time goes: reads V8 .cpuprofile files (from `pnpm bench -- --cpu-prof=DIR`) and prints the
// functions with the most self time, and the same time grouped by source file / package.
// Usage: node test/bench/profile-summary.mjs <file.cpuprofile> [--top=N]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
if (positionals.length === 0) {
  process.stderr.write('usage: node test/bench/profile-summary.mjs <file.cpuprofile> [--top=N]\n');
  process.exit(2);
}

/** A short name for where a function lives: the package (node_modules), node's internals, or the repo path. */
function place(url) {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return url;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const repo = url.indexOf('/work/main/');
  return repo >= 0 ? url.slice(repo + 11) : url.replace(/^file:\/\//, '');
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node: each sample is attributed to the node on top of the stack, for its time delta.
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const fn = new Map();
  const files = new Map();
  for (const [id, us] of self) {
    const { callFrame: f } = byId.get(id);
    const name = f.functionName || '(anonymous)';
    const key = `${name}  ${place(f.url)}:${f.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const where = name === '(idle)' || name === '(program)' || name === '(garbage collector)' ? name : place(f.url);
    files.set(where, (files.get(where) ?? 0) + us);
  }
  const top = Number(values.top);
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled\n\nself time by function:`);
  for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
  console.log('\nself time by file / package:');
  for (const [k, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
}
