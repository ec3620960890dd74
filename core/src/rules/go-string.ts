// Go string literals, as Traefik rules use them (`strconv.Unquote` semantics):
// raw strings in backquotes and interpreted strings in double quotes with Go's escapes.
// Single-quoted literals are Go rune literals, which Traefik rejects.

export class GoStringError extends Error {
  constructor(
    message: string,
    /** Offset of the problem inside the literal (0 = opening quote). */
    readonly offset: number,
  ) {
    super(message);
  }
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '\\': 0x5c, '"': 0x22,
};

/**
 * Scans a Go string literal starting at `start` (which must be '`' or '"').
 * Returns the decoded value and the offset just past the closing quote.
 */
export function scanGoString(src: string, start: number): { value: string; end: number } {
  const quote = src[start];
  if (quote === '`') {
    const close = src.indexOf('`', start + 1);
    if (close < 0) throw new GoStringError('raw string literal not terminated (missing closing `)', 0);
    // Go drops carriage returns from raw strings.
    return { value: src.slice(start + 1, close).replace(/\r/g, ''), end: close + 1 };
  }
  if (quote !== '"') throw new GoStringError('expected a string literal', 0);

  // Escapes like \xff produce raw bytes, so the value is assembled as UTF-8 bytes and decoded at the end.
  const bytes: number[] = [];
  let plainStart = start + 1;
  let i = start + 1;
  const flushPlain = (to: number) => {
    if (to > plainStart) for (const b of Buffer.from(src.slice(plainStart, to), 'utf8')) bytes.push(b);
  };
  for (;;) {
    if (i >= src.length) throw new GoStringError('string literal not terminated (missing closing ")', 0);
    const c = src[i];
    if (c === '"') break;
    if (c === '\n') throw new GoStringError('newline in string literal', i - start);
    if (c !== '\\') {
      i++;
      continue;
    }
    flushPlain(i);
    const escStart = i;
    const e = src[i + 1];
    if (e === undefined) throw new GoStringError('string literal not terminated (missing closing ")', 0);
    if (e in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[e]!);
      i += 2;
    } else if (e >= '0' && e <= '7') {
      const digits = src.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(digits)) throw new GoStringError('invalid octal escape (need 3 octal digits)', escStart - start);
      const v = parseInt(digits, 8);
      if (v > 255) throw new GoStringError(`octal escape value ${v} > 255`, escStart - start);
      bytes.push(v);
      i += 4;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const digits = src.slice(i + 2, i + 2 + n);
      if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) {
        throw new GoStringError(`invalid \\${e} escape (need ${n} hex digits)`, escStart - start);
      }
      const v = parseInt(digits, 16);
      if (e === 'x') bytes.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
          throw new GoStringError(`escape \\${e}${digits} is not a valid Unicode code point`, escStart - start);
        }
        for (const b of Buffer.from(String.fromCodePoint(v), 'utf8')) bytes.push(b);
      }
      i += 2 + n;
    } else {
      throw new GoStringError(`unknown escape sequence \\${e}`, escStart - start);
    }
    plainStart = i;
  }
  flushPlain(i);
  return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
}
