// Code-point sets for translating Go character classes, and Go's simple case folding.
// A set is a sorted list of disjoint inclusive ranges, flattened: [lo0, hi0, lo1, hi1, ...].

export const MAX_RUNE = 0x10ffff;

export function normalize(ranges: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let k = 0; k < ranges.length; k += 2) pairs.push([ranges[k]!, ranges[k + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

export function complement(ranges: number[]): number[] {
  const set = normalize(ranges);
  const out: number[] = [];
  let next = 0;
  for (let k = 0; k < set.length; k += 2) {
    if (set[k]! > next) out.push(next, set[k]! - 1);
    next = set[k + 1]! + 1;
  }
  if (next <= MAX_RUNE) out.push(next, MAX_RUNE);
  return out;
}

// --- Case folding -------------------------------------------------------------------------------
// Go's (?i) matches every member of a code point's simple-fold orbit (k, K and the Kelvin sign;
// s, S and long s). The orbits are derived once, lazily, from the JS engine's single-code-point
// case mappings, which agree with Unicode simple case folding except for the Turkic dotless i.

let orbitOf: Map<number, number[]> | undefined;
let casedSorted: number[] = [];

function buildOrbits(): Map<number, number[]> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: number, b: number) => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (let cp = 0; cp <= 0x1ffff; cp++) {
    if (cp === 0x131) continue; // ı has no simple fold in Go (its folding to i is Turkic-only)
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    for (const mapped of [s.toLowerCase(), s.toUpperCase()]) {
      const m = mapped.codePointAt(0)!;
      if (m !== cp && mapped.length === String.fromCodePoint(m).length && m !== 0x131 && m !== 0x130) union(cp, m);
    }
  }
  const groups = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const root = find(cp);
    const g = groups.get(root) ?? [];
    g.push(cp);
    groups.set(root, g);
  }
  const orbits = new Map<number, number[]>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((a, b) => a - b);
    for (const cp of g) orbits.set(cp, g);
  }
  casedSorted = [...orbits.keys()].sort((a, b) => a - b);
  return orbits;
}

/** Members of `cp`'s case-fold orbit (including cp), or undefined when it has no other case. */
export function foldOrbit(cp: number): number[] | undefined {
  orbitOf ??= buildOrbits();
  return orbitOf.get(cp);
}

/** Adds to a set every case variant of its members (Go's appendFoldedClass). */
export function foldRanges(ranges: number[]): number[] {
  orbitOf ??= buildOrbits();
  const extra: number[] = [];
  for (let k = 0; k < ranges.length; k += 2) {
    const lo = ranges[k]!;
    const hi = ranges[k + 1]!;
    let idx = lowerBound(casedSorted, lo);
    for (; idx < casedSorted.length && casedSorted[idx]! <= hi; idx++) {
      for (const v of orbitOf.get(casedSorted[idx]!)!) extra.push(v, v);
    }
  }
  return normalize([...ranges, ...extra]);
}

/** Case variants (outside the set itself) of the cased code points a JS property escape matches. */
export function foldExtrasOfProperty(test: RegExp): number[] {
  orbitOf ??= buildOrbits();
  const extra: number[] = [];
  for (const cp of casedSorted) {
    if (!test.test(String.fromCodePoint(cp))) continue;
    for (const v of orbitOf.get(cp)!) if (!test.test(String.fromCodePoint(v))) extra.push(v, v);
  }
  return normalize(extra);
}

function lowerBound(arr: number[], x: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// --- Emission --------------------------------------------------------------------------------------

/** A code point written so it is valid anywhere in a `u`-mode JS pattern, in or out of brackets. */
export function jsCodePoint(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f) {
    return String.fromCharCode(cp);
  }
  return `\\u{${cp.toString(16)}}`;
}

/** The inside of a JS bracket expression for a set of ranges. */
export function jsRanges(ranges: number[]): string {
  let out = '';
  for (let k = 0; k < ranges.length; k += 2) {
    const lo = ranges[k]!;
    const hi = ranges[k + 1]!;
    out += lo === hi ? jsCodePoint(lo) : hi === lo + 1 ? jsCodePoint(lo) + jsCodePoint(hi) : `${jsCodePoint(lo)}-${jsCodePoint(hi)}`;
  }
  return out;
}
