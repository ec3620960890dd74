/**
 * npm version ranges, the part a plugin manifest's `portico` field uses: `||` alternatives of comparator sets,
 * each comparator one of `^1.2.3`, `~1.2`, `>=1.0.0 <2`, `1.x`, `*`, `1.2.3 - 2.0.0`. Enough to check that a
 * range parses and admits a given version; the plugin loader uses `semver` itself for installs (kept out of
 * the sdk's dependencies).
 */
type Triple = [number, number, number];
interface Comparator {
  op: '<' | '<=' | '>' | '>=' | '=';
  v: Triple;
  pre: string;
}

const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

interface Partial {
  parts: Array<number | undefined>;
  pre: string;
}

function parsePartial(text: string): Partial | undefined {
  const m = PARTIAL.exec(text);
  if (m === null) return undefined;
  const parts = [m[1], m[2], m[3]].map((p) => (p === undefined || /^[xX*]$/.test(p) ? undefined : Number(p)));
  // `1.x.3` is not a version: once a part is a wildcard, the rest must be too.
  if (parts.some((p, i) => p !== undefined && parts.slice(0, i).includes(undefined))) return undefined;
  return { parts, pre: m[4] ?? '' };
}

const t = (a: number, b: number, c: number): Triple => [a, b, c];

function expand(op: string, p: Partial): Comparator[] {
  const [M, m, pt] = p.parts;
  if (M === undefined) return op === '<' || op === '>' ? [{ op: '<', v: t(0, 0, 0), pre: '' }] : [];
  const lo = t(M, m ?? 0, pt ?? 0);
  const exact = m !== undefined && pt !== undefined;
  switch (op) {
    case '^': {
      const hi = M > 0 || m === undefined ? t(M + 1, 0, 0) : m > 0 || pt === undefined ? t(0, m + 1, 0) : t(0, 0, pt + 1);
      return [{ op: '>=', v: lo, pre: p.pre }, { op: '<', v: hi, pre: '' }];
    }
    case '~':
      return [{ op: '>=', v: lo, pre: p.pre }, { op: '<', v: m === undefined ? t(M + 1, 0, 0) : t(M, m + 1, 0), pre: '' }];
    case '':
    case '=':
      if (exact) return [{ op: '=', v: lo, pre: p.pre }];
      return [{ op: '>=', v: lo, pre: '' }, { op: '<', v: m === undefined ? t(M + 1, 0, 0) : t(M, m + 1, 0), pre: '' }];
    case '>':
      return exact ? [{ op: '>', v: lo, pre: p.pre }] : [{ op: '>=', v: m === undefined ? t(M + 1, 0, 0) : t(M, m + 1, 0), pre: '' }];
    case '<=':
      return exact ? [{ op: '<=', v: lo, pre: p.pre }] : [{ op: '<', v: m === undefined ? t(M + 1, 0, 0) : t(M, m + 1, 0), pre: '' }];
    default:
      return [{ op: op as Comparator['op'], v: lo, pre: p.pre }];
  }
}

/** Parses a range into alternatives of comparator sets; throws with the offending part when it does not parse. */
export function parseRange(range: string): Comparator[][] {
  if (typeof range !== 'string' || range.trim() === '') throw new Error('empty version range');
  return range.split('||').map((alt) => {
    const text = alt.trim().replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1');
    if (text === '') return [];
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    if (hyphen !== null) {
      const a = parsePartial(hyphen[1]);
      const b = parsePartial(hyphen[2]);
      if (a === undefined || b === undefined) throw new Error(`"${text}" is not a version range`);
      return [...expand('>=', a), ...expand('<=', b)];
    }
    return text.split(/\s+/).flatMap((c) => {
      const m = /^(\^|~|>=|<=|>|<|=)?(.*)$/.exec(c)!;
      const p = parsePartial(m[2]);
      if (p === undefined) throw new Error(`"${c}" is not a version or comparator`);
      return expand(m[1] ?? '', p);
    });
  });
}

function cmp(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether `version` (x.y.z, no prerelease) satisfies `range`. Prerelease comparators never admit a release. */
export function satisfies(version: string, range: string): boolean {
  const p = parsePartial(version);
  if (p === undefined || p.parts.includes(undefined)) throw new Error(`"${version}" is not a version`);
  const v = p.parts as Triple;
  return parseRange(range).some((set) =>
    set.every((c) => {
      const d = cmp(v, c.v) || (c.pre !== '' ? 1 : 0);
      return c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : c.op === '>=' ? d >= 0 : d === 0;
    }),
  );
}
