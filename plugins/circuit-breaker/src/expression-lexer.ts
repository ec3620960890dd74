/**
 * Tokens of the circuit-breaker expression language: Go expression syntax as vulcand/predicate reads it
 * (go/parser.ParseExpr), restricted to what oxy's definition can use. Operators that Go has but the predicate
 * definition does not (`!`, arithmetic, bit operators) are still recognised so the error can say
 * "`!` is not supported" instead of "unexpected character".
 */
export type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'int'; value: number; text: string; pos: number }
  | { kind: 'float'; value: number; text: string; pos: number }
  | { kind: 'string'; text: string; pos: number }
  | { kind: 'op'; text: string; pos: number }
  | { kind: 'eof'; pos: number };

export class ExpressionError extends Error {
  constructor(
    message: string,
    /** Offset in the expression (0-based) where the problem is. */
    readonly pos: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

// Longest first, so `<=` wins over `<`.
const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '<<', '>>', '&^', '<', '>', '!', '(', ')', ',', '+', '-', '*', '/', '%', '&', '|', '^', '.'];

const NUMBER = /^(?:\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|0[xX][0-9a-fA-F_]+|\d[\d_]*)/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

export function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const rest = input.slice(i);
    const ident = IDENT.exec(rest);
    if (ident !== null) {
      out.push({ kind: 'ident', text: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num !== null) {
      const text = num[0];
      const isFloat = /[.eE]/.test(text) && !/^0[xX]/.test(text);
      const clean = text.replace(/_/g, '');
      const value = isFloat ? Number(clean) : clean.startsWith('0x') || clean.startsWith('0X') ? Number.parseInt(clean, 16) : Number.parseInt(clean, 10);
      out.push(isFloat ? { kind: 'float', value, text, pos: i } : { kind: 'int', value, text, pos: i });
      i += text.length;
      continue;
    }
    if (c === '"' || c === '`') {
      const end = input.indexOf(c, i + 1);
      if (end === -1) throw new ExpressionError('string literal not terminated', i);
      out.push({ kind: 'string', text: input.slice(i, end + 1), pos: i });
      i = end + 1;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op === undefined) throw new ExpressionError(`unexpected character ${JSON.stringify(c)}`, i);
    out.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  out.push({ kind: 'eof', pos: input.length });
  return out;
}
