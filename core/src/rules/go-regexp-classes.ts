// Go's named character classes (Perl \d \s \w, POSIX [:alpha:], Unicode \p{...}) and how a
// class built from them is written as a JS pattern.
import { complement, foldExtrasOfProperty, foldRanges, jsRanges, normalize } from './go-regexp-charset.js';

/** A character class under construction: ranges, plus pieces only the JS engine can enumerate. */
export interface ClassSet {
  ranges: number[];
  /** Escapes that may sit inside brackets, e.g. `\p{L}`. */
  escapes: string[];
  /** Self-contained JS atoms matching one code point each, e.g. `[^\p{L}a]`. */
  atoms: string[];
}

export const emptyClass = (): ClassSet => ({ ranges: [], escapes: [], atoms: [] });

const r = (s: string): number[] => {
  // "a-z0-9_" style spec → ranges (only ASCII here).
  const out: number[] = [];
  for (let k = 0; k < s.length; k++) {
    if (s[k + 1] === '-' && k + 2 < s.length) {
      out.push(s.charCodeAt(k), s.charCodeAt(k + 2));
      k += 2;
    } else out.push(s.charCodeAt(k), s.charCodeAt(k));
  }
  return normalize(out);
};

export const PERL_CLASSES: Record<string, number[]> = {
  d: r('0-9'),
  s: r('\t\n\f\r '),
  w: r('0-9A-Za-z_'),
};

export const POSIX_CLASSES: Record<string, number[]> = {
  alnum: r('0-9A-Za-z'),
  alpha: r('A-Za-z'),
  ascii: [0, 0x7f],
  blank: r('\t '),
  cntrl: [0, 0x1f, 0x7f, 0x7f],
  digit: r('0-9'),
  graph: r('!-~'),
  lower: r('a-z'),
  print: r(' -~'),
  punct: r('!-/:-@[-`{-~'),
  space: r('\t\n\v\f\r '),
  upper: r('A-Z'),
  word: r('0-9A-Za-z_'),
  xdigit: r('0-9A-Fa-f'),
};

/** Adds a group of ranges to a class the way Go's appendGroup does: fold first, then negate. */
export function addGroup(set: ClassSet, ranges: number[], negated: boolean, fold: boolean): void {
  let g = fold ? foldRanges(ranges) : ranges;
  if (negated) g = complement(g);
  set.ranges.push(...g);
}

// Go accepts category names, script names and a few aliases, compared loosely
// (case, '_', '-' and ' ' ignored). JS needs the exact property name.
const canonical = (name: string) => {
  const s = name.replace(/[_\- ]/g, '');
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
};

function jsProperty(name: string): string | undefined {
  const c = canonical(name);
  if (c === 'Any') return '\\p{Any}';
  if (c === 'Assigned') return '\\P{Cn}';
  if (c === 'Ascii') return '\\p{ASCII}';
  if (c === 'Lc') return '\\p{LC}';
  const underscored = name.replace(/[- ]/g, '_');
  const titled = underscored.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('_');
  const candidates = [
    `\\p{${name}}`, `\\p{${c}}`,
    `\\p{Script=${name}}`, `\\p{Script=${underscored}}`, `\\p{Script=${titled}}`, `\\p{Script=${c}}`,
    `\\p{General_Category=${titled}}`,
  ];
  for (const cand of candidates) {
    if (/[^\w{}=\\]/.test(cand.slice(3, -1))) continue;
    try {
      new RegExp(cand, 'u');
      // Binary properties (Alphabetic, Emoji...) are not Go classes.
      if (cand.startsWith('\\p{Script=') || cand.startsWith('\\p{General_Category=') || isCategory(cand)) return cand;
    } catch {
      // not this spelling
    }
  }
  return undefined;
}

const CATEGORIES = new Set(
  'C Cc Cf Co Cs Cn L Ll Lm Lo Lt Lu LC M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);
const isCategory = (escape: string) => CATEGORIES.has(escape.slice(3, -1));

/**
 * Adds a Unicode class (`\p{Greek}`, `\PL`, `\p{^Lu}`) to a set. Returns false when Go would not
 * know the name.
 */
export function addUnicodeClass(set: ClassSet, name: string, negated: boolean, fold: boolean): boolean {
  const escape = jsProperty(name);
  if (!escape) return false;
  if (escape === '\\p{Any}') {
    addGroup(set, [0, 0x10ffff], negated, false);
    return true;
  }
  const positive = escape;
  const negative = escape.startsWith('\\P') ? '\\p' + escape.slice(2) : '\\P' + escape.slice(2);
  if (!fold) {
    set.escapes.push(negated ? negative : positive);
    return true;
  }
  const extras = foldExtrasOfProperty(new RegExp(`^${positive}$`, 'u'));
  if (!negated) {
    set.escapes.push(positive);
    set.ranges.push(...extras);
  } else if (extras.length === 0) {
    set.escapes.push(negative);
  } else {
    set.atoms.push(`[^${positive}${jsRanges(extras)}]`);
  }
  return true;
}

/** Writes a finished class as one JS atom matching a single code point. */
export function emitClass(set: ClassSet, negated: boolean): string {
  const ranges = normalize(set.ranges);
  const inner = jsRanges(ranges) + set.escapes.join('');
  if (set.atoms.length === 0) return negated ? `[^${inner}]` : `[${inner}]`;
  const union = [...(inner ? [`[${inner}]`] : []), ...set.atoms].join('|');
  // A union JS brackets cannot express; its negation is "not any of them, then one code point".
  return negated ? `(?:(?!${union})[^])` : `(?:${union})`;
}
