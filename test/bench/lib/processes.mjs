// Child processes of a benchmark run: spawned pinned to a CPU core, each in its own process group so that a
// server's workers (nginx, HAProxy) go away with it, and all killed when the harness exits for any reason.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const live = new Set();

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

process.on('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping children\n`);
    process.exit(130);
  });
}

const cores = availableParallelism();
/** Pinning needs two cores: the proxy alone on core 0, the load generator and the upstream on core 1. */
export const pinning = cores >= 2;
export const CORE_PROXY = '0';
export const CORE_LOAD = '1';

/** `[file, args]` prefixed with `taskset -c <core>` when pinning is possible (taskset execs: same pid). */
export function pinned(core, file, args) {
  return pinning ? ['taskset', ['-c', core, file, ...args]] : [file, args];
}

/**
 * Starts a long-running server. Output is kept (last 16 KiB) for error messages.
 * @returns {{ child: import('node:child_process').ChildProcess, output: () => string, exited: () => boolean, stop: () => Promise<void> }}
 */
export function startServer(name, core, file, args, options = {}) {
  const [cmd, argv] = pinned(core, file, args);
  const child = spawn(cmd, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(child);
  let output = '';
  let exited = false;
  const collect = (chunk) => {
    output = (output + chunk.toString('utf8')).slice(-16384);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const gone = new Promise((resolve) => {
    child.once('exit', () => { exited = true; live.delete(child); resolve(); });
    child.once('error', (err) => { output += `\n${err.message}`; exited = true; live.delete(child); resolve(); });
  });
  return {
    name,
    child,
    output: () => output,
    exited: () => exited,
    stop: async () => {
      if (exited) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
      killGroup(child, 'SIGKILL'); // workers left in the group, if any
    },
  };
}

/** Runs a command to completion (the load generator), pinned; resolves with its stdout. */
export function runToEnd(core, file, args, timeoutMs) {
  const [cmd, argv] = pinned(core, file, args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => { clearTimeout(timer); live.delete(child); reject(e); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${file} exited with ${signal ?? code}: ${err || out}`));
    });
  });
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Pids of `root` and all its descendants (nginx/HAProxy workers), from /proc/<pid>/stat parent links. */
export function processTree(root) {
  const parentOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) parentOf.set(Number(entry), stat.ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: fields are counted after its last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
}

/** CPU time (user + system) of the whole process tree, in microseconds. */
export function cpuMicros(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) ticks += stat.utime + stat.stime;
  }
  return (ticks * 1e6) / CLK_TCK;
}

/** Peak resident set (VmHWM) summed over the tree, in KiB. */
export function peakRssKiB(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch { /* exited */ }
  }
  return total;
}
