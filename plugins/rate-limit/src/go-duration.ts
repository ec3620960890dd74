/**
 * Go's time.Duration.String() for a whole number of nanoseconds: "2.5ms", "1.5µs", "1m30s", "1h0m0s"
 * (Traefik writes it in X-Retry-In).
 */
export function goDuration(ns: number): string {
  let u = Math.abs(Math.trunc(ns));
  if (u === 0) return '0s';
  let out: string;
  if (u < 1e9) {
    const [unit, prec] = u < 1e3 ? ['ns', 0] : u < 1e6 ? ['µs', 3] : ['ms', 6];
    const p = 10 ** prec;
    out = `${Math.floor(u / p)}${fraction(u % p, prec)}${unit}`;
  } else {
    const frac = fraction(u % 1e9, 9);
    u = Math.floor(u / 1e9);
    out = `${u % 60}${frac}s`;
    u = Math.floor(u / 60);
    if (u > 0) {
      out = `${u % 60}m${out}`;
      u = Math.floor(u / 60);
      if (u > 0) out = `${u}h${out}`;
    }
  }
  return ns < 0 ? `-${out}` : out;
}

/** ".123" for the `prec`-digit fraction `f`, trailing zeros dropped; "" when it is zero. */
function fraction(f: number, prec: number): string {
  if (f === 0) return '';
  return `.${String(f).padStart(prec, '0').replace(/0+$/, '')}`;
}
