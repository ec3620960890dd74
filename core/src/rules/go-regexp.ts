// Go (RE2) regular expressions, translated to equivalent JS RegExps at config time.
//
// Traefik compiles matcher regexps with Go's regexp.Compile (Perl flags) and uses MatchString
// (unanchored search). Go and JS syntax differ: Go has inline flags anywhere ((?i), (?s:...),
// (?-m)), \A \z \Q...\E, (?P<name>...), POSIX classes, any escaped punctuation, a literal `{`
// when it does not start a repeat; `.` excludes only \n, `\s` is ASCII-only, `$` is end of text;
// and Go rejects lookarounds and backreferences. The translator parses Go syntax (same errors as
// Go) and writes a `u`-mode JS pattern with the flags expanded in place, so that `test()` accepts
// exactly the strings Go's MatchString accepts.
import { foldOrbit, jsCodePoint } from './go-regexp-charset.js';
import { addGroup, addUnicodeClass, emitClass, emptyClass, PERL_CLASSES, POSIX_CLASSES, type ClassSet } from './go-regexp-classes.js';

export class GoRegexpError extends Error {
  constructor(readonly pattern: string, readonly reason: string) {
    super(`invalid regexp ${JSON.stringify(pattern)}: ${reason}`);
  }
}

interface Flags {
  /** (?i) case-insensitive */ i: boolean;
  /** (?m) ^ and $ match at line boundaries */ m: boolean;
  /** (?s) . matches \n */ s: boolean;
  /** (?U) ungreedy: x* is lazy and x*? greedy */ U: boolean;
}

interface Atom {
  src: string;
  /** Zero-width assertions and already-repeated atoms must be wrapped before a quantifier. */
  wrap: boolean;
  /** Largest product of counted repeats ({n,m}) on any path inside (Go caps it at 1000). */
  repeatProduct: number;
}

const MAX_REPEAT = 1000;
const cp = (c: string) => c.codePointAt(0)!;
const isAlnum = (c: string) => /^[0-9A-Za-z]$/.test(c);

class Translator {
  private readonly chars: string[];
  private pos = 0;
  private flags: Flags = { i: false, m: false, s: false, U: false };

  constructor(private readonly pattern: string) {
    this.chars = Array.from(pattern);
  }

  translate(): string {
    const alt = this.alternation();
    if (this.pos < this.chars.length) throw this.error('unexpected )');
    return alt.src;
  }

  private error(reason: string): GoRegexpError {
    return new GoRegexpError(this.pattern, reason);
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.pos + offset];
  }

  private rest(from = this.pos): string {
    return this.chars.slice(from).join('');
  }

  private alternation(): Atom {
    const branches = [this.concatenation()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.concatenation());
    }
    return {
      src: branches.map((b) => b.src).join('|'),
      wrap: false,
      repeatProduct: Math.max(...branches.map((b) => b.repeatProduct)),
    };
  }

  private concatenation(): Atom {
    const atoms: Atom[] = [];
    let lastWasRepeat = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      const start = this.pos;
      if (c === '*' || c === '+' || c === '?' || (c === '{' && this.repeatAhead())) {
        const op = this.quantifier();
        const text = this.chars.slice(start, this.pos).join('');
        if (lastWasRepeat) throw this.error(`invalid nested repetition operator: \`${text}\``);
        const target = atoms.pop();
        if (!target) throw this.error(`missing argument to repetition operator: \`${text}\``);
        atoms.push(this.repeat(target, op, text));
        lastWasRepeat = true;
        continue;
      }
      lastWasRepeat = false;
      atoms.push(...this.atom());
    }
    return {
      src: atoms.map((a) => a.src).join(''),
      wrap: false,
      repeatProduct: atoms.reduce((m, a) => Math.max(m, a.repeatProduct), 0),
    };
  }

  /** Whether a `{` here starts a valid Go repeat ({n}, {n,}, {n,m}); otherwise it is a literal. */
  private repeatAhead(): boolean {
    return /^\{(0|[1-9][0-9]*)(,(0|[1-9][0-9]*)?)?\}/.test(this.rest());
  }

  private quantifier(): { min: number; max: number; lazy: boolean; counted: boolean } {
    const c = this.chars[this.pos]!;
    let min = 0;
    let max = -1;
    let counted = false;
    if (c === '{') {
      const m = /^\{([0-9]+)(,([0-9]*))?\}/.exec(this.rest())!;
      const big = (s: string) => (s.length > 8 ? Infinity : Number(s));
      min = big(m[1]!);
      max = m[2] === undefined ? min : m[3] === '' ? -1 : big(m[3]!);
      const text = m[0];
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) throw this.error(`invalid repeat count: \`${text}\``);
      this.pos += Array.from(text).length;
      counted = true;
    } else {
      this.pos++;
      if (c === '+') min = 1;
      if (c === '?') max = 1;
    }
    let lazy = false;
    if (this.peek() === '?') {
      this.pos++;
      lazy = true;
    }
    return { min, max, lazy: lazy !== this.flags.U, counted };
  }

  private repeat(target: Atom, q: { min: number; max: number; lazy: boolean; counted: boolean }, text: string): Atom {
    let product = target.repeatProduct;
    if (q.counted) {
      const m = q.max < 0 ? q.min : q.max;
      product = m === 0 ? 0 : m * Math.max(1, product);
      if ((q.min >= 2 || q.max >= 2) && product > MAX_REPEAT) throw this.error(`invalid repeat count: \`${text}\``);
    }
    const base = target.wrap ? `(?:${target.src})` : target.src;
    let op: string;
    if (!q.counted) op = q.max === 1 ? '?' : q.min === 1 ? '+' : '*';
    else op = q.max === q.min ? `{${q.min}}` : q.max < 0 ? `{${q.min},}` : `{${q.min},${q.max}}`;
    return { src: base + op + (q.lazy ? '?' : ''), wrap: true, repeatProduct: product };
  }

  /** One syntactic element; \Q...\E yields one atom per character, a flag group none. */
  private atom(): Atom[] {
    const c = this.chars[this.pos]!;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return [this.charClass()];
      case '.':
        this.pos++;
        return [{ src: this.flags.s ? '[^]' : '[^\\n]', wrap: false, repeatProduct: 0 }];
      case '^':
        this.pos++;
        return [{ src: this.flags.m ? '(?<![^\\n])' : '^', wrap: true, repeatProduct: 0 }];
      case '$':
        this.pos++;
        return [{ src: this.flags.m ? '(?![^\\n])' : '$', wrap: true, repeatProduct: 0 }];
      case '\\':
        return this.escapeAtom();
      default:
        this.pos++;
        return [this.literal(cp(c))];
    }
  }

  private literal(code: number): Atom {
    const orbit = this.flags.i ? foldOrbit(code) : undefined;
    const src = orbit ? `[${orbit.map(jsCodePoint).join('')}]` : jsCodePoint(code);
    return { src, wrap: false, repeatProduct: 0 };
  }

  private group(): Atom[] {
    const open = this.pos;
    this.pos++; // (
    const saved = { ...this.flags };
    let capture = true;
    if (this.peek() === '?') {
      const named = /^\(\?P?<([^>]*)>/.exec(this.rest(open));
      const startsNamed = (this.peek(1) === 'P' && this.peek(2) === '<' && this.chars.length - open > 4) ||
        (this.peek(1) === '<' && this.chars.length - open > 3);
      if (startsNamed) {
        if (!named) throw this.error(`invalid named capture: \`${this.rest(open)}\``);
        if (!/^[A-Za-z0-9_]+$/.test(named[1]!)) throw this.error(`invalid named capture: \`${named[0]}\``);
        this.pos = open + Array.from(named[0]).length; // named groups become plain capturing groups
      } else {
        capture = false;
        if (this.flagGroup(open) === 'set') return []; // (?flags): applies to the rest of the group
      }
    }
    const inner = this.alternation();
    if (this.peek() !== ')') throw this.error(`missing closing ): \`${this.pattern}\``);
    this.pos++;
    this.flags = saved;
    return [{ src: `(${capture ? '' : '?:'}${inner.src})`, wrap: false, repeatProduct: inner.repeatProduct }];
  }

  /** Parses `(?flags)` or `(?flags:`; returns whether a group body follows. */
  private flagGroup(open: number): 'set' | 'group' {
    this.pos++; // ?
    const flags = { ...this.flags };
    let negate = false;
    let sawFlag = false;
    for (;;) {
      const c = this.peek();
      this.pos++;
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        flags[c] = !negate;
        sawFlag = true;
      } else if (c === '-' && !negate) {
        negate = true;
        sawFlag = false;
      } else if ((c === ':' || c === ')') && (!negate || sawFlag)) {
        this.flags = flags;
        return c === ')' ? 'set' : 'group';
      } else {
        const seen = this.chars.slice(open, Math.min(this.pos, this.chars.length)).join('');
        throw this.error(`invalid or unsupported Perl syntax: \`${seen}\``);
      }
    }
  }

  private escapeAtom(): Atom[] {
    const e = this.peek(1);
    const assertion = (src: string): Atom[] => {
      this.pos += 2;
      return [{ src, wrap: true, repeatProduct: 0 }];
    };
    switch (e) {
      case 'A':
        return assertion('^');
      case 'z':
        return assertion('$');
      case 'b':
        return assertion('\\b');
      case 'B':
        return assertion('\\B');
      case 'C':
        throw this.error('invalid escape sequence: `\\C`');
      case 'Q': {
        const body = this.rest(this.pos + 2);
        const end = body.indexOf('\\E');
        const lit = end < 0 ? body : body.slice(0, end);
        this.pos += 2 + Array.from(lit).length + (end < 0 ? 0 : 2);
        return Array.from(lit).map((ch) => this.literal(cp(ch)));
      }
    }
    const set = emptyClass();
    if (this.classEscape(set)) return [{ src: emitClass(set, false), wrap: false, repeatProduct: 0 }];
    return [this.literal(this.escapeChar())];
  }

  /** \d \s \w (and negations), \pX, \p{Name}, \P...: adds to `set` and returns true if one is here. */
  private classEscape(set: ClassSet): boolean {
    if (this.peek() !== '\\') return false;
    const e = this.peek(1);
    if (e !== undefined && PERL_CLASSES[e.toLowerCase()] && /[dswDSW]/.test(e)) {
      addGroup(set, PERL_CLASSES[e.toLowerCase()]!, e !== e.toLowerCase(), this.flags.i);
      this.pos += 2;
      return true;
    }
    if (e !== 'p' && e !== 'P') return false;
    const start = this.pos;
    let negated = e === 'P';
    let name: string;
    if (this.peek(2) === '{') {
      const body = this.rest(this.pos + 3);
      const close = body.indexOf('}');
      if (close < 0) throw this.error(`invalid character class range: \`${this.rest(start)}\``);
      name = body.slice(0, close);
      this.pos += 3 + Array.from(name).length + 1;
    } else {
      if (this.peek(2) === undefined) throw this.error('invalid character class range: `\\' + e + '`');
      name = this.peek(2)!;
      this.pos += 3;
    }
    const seq = this.chars.slice(start, this.pos).join('');
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    if (!addUnicodeClass(set, name, negated, this.flags.i)) throw this.error(`invalid character class range: \`${seq}\``);
    return true;
  }

  /** A single-character escape (Go's parseEscape): punctuation, octal, hex, C escapes. */
  private escapeChar(): number {
    const start = this.pos;
    const c = this.peek(1);
    if (c === undefined) throw this.error('trailing backslash at end of expression');
    this.pos += 2;
    const invalid = () => this.error(`invalid escape sequence: \`${this.chars.slice(start, this.pos).join('')}\``);
    if (cp(c) < 0x80 && !isAlnum(c)) return cp(c);
    if (c >= '1' && c <= '7' && !(this.peek()! >= '0' && this.peek()! <= '7')) throw invalid(); // backreference
    if (c >= '0' && c <= '7') {
      let v = Number(c);
      for (let k = 1; k < 3 && this.peek() !== undefined && this.peek()! >= '0' && this.peek()! <= '7'; k++) {
        v = v * 8 + Number(this.peek());
        this.pos++;
      }
      return v;
    }
    if (c === 'x') {
      if (this.peek() === '{') {
        const m = /^\{([0-9A-Fa-f]+)\}/.exec(this.rest());
        if (!m || parseInt(m[1]!, 16) > 0x10ffff) {
          this.pos = Math.min(this.chars.length, this.pos + (m ? m[0].length : 1));
          throw invalid();
        }
        this.pos += m[0].length;
        return parseInt(m[1]!, 16);
      }
      const hex = this.rest().slice(0, 2);
      this.pos += Array.from(hex).length;
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw invalid();
      return parseInt(hex, 16);
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (c in simple) return simple[c]!;
    throw invalid();
  }

  private charClass(): Atom {
    const start = this.pos;
    this.pos++; // [
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const set = emptyClass();
    const missing = () => this.error(`missing closing ]: \`${this.rest(start)}\``);
    let first = true;
    while (this.peek() !== ']' || first) {
      if (this.peek() === undefined) throw missing();
      first = false;
      if (this.peek() === '[' && this.peek(1) === ':') {
        const m = /^\[:(\^?)([^:]*):\]/.exec(this.rest());
        const close = this.rest().indexOf(':]', 2);
        if (close >= 0) {
          const name = this.rest().slice(0, close + 2);
          const cls = m && m[0] === name ? POSIX_CLASSES[m[2]!] : undefined;
          if (!cls) throw this.error(`invalid character class range: \`${name}\``);
          addGroup(set, cls, m![1] === '^', this.flags.i);
          this.pos += Array.from(name).length;
          continue;
        }
      }
      if (this.classEscape(set)) continue;
      const rangeStart = this.pos;
      const lo = this.classChar(missing);
      let hi = lo;
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.pos++;
        hi = this.classChar(missing);
        if (hi < lo) throw this.error(`invalid character class range: \`${this.chars.slice(rangeStart, this.pos).join('')}\``);
      }
      addGroup(set, [lo, hi], false, this.flags.i);
    }
    this.pos++; // ]
    return { src: emitClass(set, negated), wrap: false, repeatProduct: 0 };
  }

  private classChar(missing: () => GoRegexpError): number {
    const c = this.peek();
    if (c === undefined) throw missing();
    if (c === '\\') return this.escapeChar();
    this.pos++;
    return cp(c);
  }
}

/** Translates a Go regexp to the source of an equivalent `u`-flag JS RegExp. Throws GoRegexpError. */
export function translateGoRegexp(pattern: string): string {
  return new Translator(pattern).translate();
}

/** Compiles a Go regexp into a JS RegExp with the same MatchString semantics. Throws GoRegexpError. */
export function compileGoRegexp(pattern: string): RegExp {
  const src = translateGoRegexp(pattern);
  try {
    return new RegExp(src, 'u');
  } catch (err) {
    throw new GoRegexpError(pattern, `cannot be expressed as a JavaScript regexp (${(err as Error).message})`);
  }
}
