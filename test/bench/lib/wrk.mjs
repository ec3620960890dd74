// The load generator: wrk (from Debian), one thread, N keep-alive connections, `--latency` for percentiles.
import { runToEnd, CORE_LOAD } from './processes.mjs';

/**
 * Runs wrk against `url` for `seconds` and parses its report.
 * @returns {Promise<{ requests: number, seconds: number, rps: number, bytesPerReq: number, p50: number, p99: number, errors: number, non2xx: number }>}
 *   latencies in microseconds
 */
export async function runWrk({ url, seconds, connections, headers = {} }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '5s'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  args.push(url);
  const out = await runToEnd(CORE_LOAD, 'wrk', args, (seconds + 30) * 1000);
  return parseWrk(out);
}

const UNIT = { us: 1, ms: 1e3, s: 1e6 };

function micros(text) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) throw new Error(`wrk: cannot read latency ${text}`);
  return Number(m[1]) * UNIT[m[2]];
}

/** Parses wrk's text report (exported for a check against a saved sample). */
export function parseWrk(out) {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m), ([\d.]+)([KMGT]?B) read/.exec(out);
  const p50 = /^\s+50%\s+(\S+)/m.exec(out);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out);
  if (!total || !p50 || !p99) throw new Error(`wrk: unexpected output:\n${out}`);
  const seconds = Number(total[2]) * ({ us: 1e-6, ms: 1e-3, s: 1, m: 60 })[total[3]];
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const requests = Number(total[1]);
  const bytes = Number(total[4]) * ({ B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 })[total[5]];
  return {
    requests,
    seconds,
    rps: requests / seconds,
    /** Response bytes (head + body) per request: a check that the body really went through. */
    bytesPerReq: bytes / requests,
    p50: micros(p50[1]),
    p99: micros(p99[1]),
    errors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}
