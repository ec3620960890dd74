// Tokenizer for the rule grammar: the subset of Go expression syntax that Traefik's parser
// (vulcand/predicate on top of go/parser.ParseExpr) accepts. Other Go tokens are still
// recognized so the error can say what was found.
import { RuleError } from './errors.js';
import { GoStringError, scanGoString } from './go-string.js';

export type TokenKind =
  | 'ident' // Go identifier
  | 'string' // Go string literal (value decoded)
  | 'literal' // other Go literal (number, rune): valid Go, unsupported as an argument
  | '(' | ')' | ',' | '!' | '&&' | '||'
  | ';' // automatic semicolon inserted at a newline (Go's rule)
  | 'op' // any other Go operator or punctuation
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text of the token (for strings: the literal with its quotes). */
  text: string;
  /** Decoded value of a string literal. */
  value?: string;
  pos: number;
}

// Longest first, so that '&&' wins over '&'.
const GO_OPERATORS = [
  '<<=', '>>=', '&^=', '...', '&&', '||', '<-', '++', '--', '==', '!=', '<=', '>=', ':=', '+=', '-=', '*=', '/=',
  '%=', '&=', '|=', '^=', '<<', '>>', '&^', '+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '=', '!', '(', ')',
  '[', ']', '{', '}', ',', ';', '.', ':', '~',
];

const isIdentStart = (c: string) => /[\p{L}_]/u.test(c);
const isIdentPart = (c: string) => /[\p{L}\p{Nd}_]/u.test(c);

/** Tokens after which Go inserts a semicolon at a newline. */
function endsStatement(t: Token | undefined): boolean {
  if (!t) return false;
  return t.kind === 'ident' || t.kind === 'string' || t.kind === 'literal' || t.kind === ')' ||
    t.text === ']' || t.text === '}' || t.text === '++' || t.text === '--';
}

export function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // At the end of the rule the inserted semicolon has empty text, so errors can say "end of rule".
  const newline = (pos: number) => {
    if (endsStatement(tokens[tokens.length - 1])) tokens.push({ kind: ';', text: pos < rule.length ? '\n' : '', pos });
  };
  while (i < rule.length) {
    const c = rule[i]!;
    if (c === '\n') {
      newline(i);
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (rule.startsWith('//', i)) {
      const nl = rule.indexOf('\n', i);
      i = nl < 0 ? rule.length : nl;
      continue;
    }
    if (rule.startsWith('/*', i)) {
      const close = rule.indexOf('*/', i + 2);
      if (close < 0) throw new RuleError(rule, 'comment not terminated', i);
      // A comment spanning lines acts like a newline.
      if (rule.slice(i, close).includes('\n')) newline(i);
      i = close + 2;
      continue;
    }
    if (c === '`' || c === '"') {
      try {
        const { value, end } = scanGoString(rule, i);
        tokens.push({ kind: 'string', text: rule.slice(i, end), value, pos: i });
        i = end;
      } catch (err) {
        if (err instanceof GoStringError) throw new RuleError(rule, err.message, i + err.offset);
        throw err;
      }
      continue;
    }
    if (c === "'") {
      throw new RuleError(rule, 'single quotes are not allowed: quote values with backquotes (`value`) or double quotes ("value")', i);
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < rule.length && isIdentPart(rule[j]!)) j++;
      tokens.push({ kind: 'ident', text: rule.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(rule[i + 1] ?? ''))) {
      const m = /^[0-9a-zA-Z_.]+/.exec(rule.slice(i))!;
      tokens.push({ kind: 'literal', text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    const op = GO_OPERATORS.find((o) => rule.startsWith(o, i));
    if (!op) throw new RuleError(rule, `unexpected character ${JSON.stringify(c)}`, i);
    const kind: TokenKind = op === '(' || op === ')' || op === ',' || op === '!' || op === '&&' || op === '||' ? op : 'op';
    tokens.push({ kind, text: op, pos: i });
    i += op.length;
  }
  newline(rule.length);
  tokens.push({ kind: 'eof', text: '', pos: rule.length });
  return tokens;
}
