/**
 * Go/Traefik durations: "1h2m3.5s", "250ms", "50us"/"50µs", "10ns", or a bare number meaning seconds
 * (Traefik's ptypes.Duration accepts integers as seconds). Returns milliseconds (fractions allowed).
 */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new Error(`invalid duration ${input}`);
    return input * 1000;
  }
  const s = input.trim();
  if (s === '') throw new Error('invalid duration ""');
  if (/^[+-]?\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  let rest = s;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  let total = 0;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (m === null) throw new Error(`invalid duration ${JSON.stringify(input)}: expected e.g. "10s", "250ms" or "1h30m"`);
    total += Number(m[1]) * UNIT_MS[m[2]];
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** Checker for schema strings holding a duration: the message the decoder reports, or undefined. */
export function durationProblem(v: string): string | undefined {
  try {
    parseDuration(v);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
