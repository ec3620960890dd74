// Recursive-descent parser for rules. Accepts what Traefik accepts: calls of known matchers with
// string-literal arguments (a trailing comma is fine, as in Go), `!`, `&&`, `||` with Go's
// precedence (`!` > `&&` > `||`, left-associative), and parentheses.
import { RuleError } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { invert, type RuleNode } from './tree.js';

/**
 * Matcher names are accepted as declared, lower-case, UPPER-case, or Title-case of the lower-cased
 * name (`PathPrefix`, `pathprefix`, `PATHPREFIX`, `Pathprefix`), like Traefik's `rules.NewParser`.
 */
export class MatcherNames {
  private readonly byVariant = new Map<string, string>();

  constructor(readonly canonical: readonly string[]) {
    for (const name of canonical) {
      const lower = name.toLowerCase();
      for (const v of [name, lower, name.toUpperCase(), lower.charAt(0).toUpperCase() + lower.slice(1)]) {
        this.byVariant.set(v, name);
      }
    }
  }

  resolve(written: string): string | undefined {
    return this.byVariant.get(written);
  }
}

const describe = (t: Token) =>
  t.kind === 'eof' || (t.kind === ';' && t.text === '') ? 'end of rule' : t.kind === ';' ? 'newline' : JSON.stringify(t.text);

class Parser {
  private readonly tokens: Token[];
  private i = 0;

  constructor(
    private readonly rule: string,
    private readonly names: MatcherNames,
    private readonly hint?: (written: string) => string | undefined,
  ) {
    this.tokens = tokenize(rule);
  }

  parse(): RuleNode {
    if (this.peek().kind === 'eof') throw new RuleError(this.rule, 'empty rule');
    const node = this.orExpr();
    if (this.peek().kind === ';' && this.tokens[this.i + 1]?.kind === 'eof') this.i++;
    const t = this.peek();
    if (t.kind !== 'eof') {
      const why = t.kind === ')' ? 'unbalanced parenthesis' : t.kind === ';' ? 'an operator must end a line that continues the rule' : 'expected && or ||';
      throw this.error(`unexpected ${describe(t)}: ${why}`, t.pos);
    }
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private error(detail: string, pos: number): RuleError {
    return new RuleError(this.rule, detail, pos);
  }

  private orExpr(): RuleNode {
    let left = this.andExpr();
    while (this.peek().kind === '||') {
      const op = this.next();
      left = { type: 'or', left, right: this.andExpr(), pos: op.pos };
    }
    return left;
  }

  private andExpr(): RuleNode {
    let left = this.unary();
    while (this.peek().kind === '&&') {
      const op = this.next();
      left = { type: 'and', left, right: this.unary(), pos: op.pos };
    }
    return left;
  }

  private unary(): RuleNode {
    if (this.peek().kind === '!') {
      this.next();
      return invert(this.unary());
    }
    return this.primary();
  }

  private primary(): RuleNode {
    const t = this.next();
    if (t.kind === '(') {
      const inner = this.orExpr();
      const close = this.next();
      if (close.kind !== ')') throw this.error(`expected ) to close the parenthesis opened at column ${t.pos + 1}, found ${describe(close)}`, close.pos);
      return inner;
    }
    if (t.kind === 'ident') return this.call(t);
    if (t.kind === 'string' || t.kind === 'literal') {
      throw this.error(`expected a matcher such as Host(\`example.com\`), found the value ${t.text}`, t.pos);
    }
    if (t.kind === 'op') throw this.error(`operator ${JSON.stringify(t.text)} is not supported (use &&, || and !)`, t.pos);
    throw this.error(`expected a matcher, found ${describe(t)}`, t.pos);
  }

  private call(name: Token): RuleNode {
    const open = this.next();
    const matcher = this.names.resolve(name.text);
    if (open.kind !== '(') {
      const detail = matcher
        ? `${name.text} must be called with arguments, e.g. ${name.text}(\`value\`)`
        : `expected a matcher such as Host(\`example.com\`), found ${name.text}`;
      throw this.error(detail, name.pos);
    }
    if (matcher === undefined) {
      const hint = this.hint?.(name.text);
      throw this.error(`unknown matcher ${name.text}${hint ? ` (${hint})` : ''}`, name.pos);
    }
    const values: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === ')') break;
      if (t.kind !== 'string') {
        const found = t.kind === 'ident' ? `${t.text} (values must be quoted with backquotes or double quotes)` : describe(t);
        throw this.error(`${name.text}: expected a string argument, found ${found}`, t.pos);
      }
      values.push(t.value!);
      const sep = this.next();
      if (sep.kind === ')') break;
      if (sep.kind !== ',') throw this.error(`${name.text}: expected , or ) after argument, found ${describe(sep)}`, sep.pos);
    }
    return { type: 'matcher', matcher, written: name.text, not: false, values, pos: name.pos };
  }
}

/**
 * Parses a rule into Traefik's tree shape, accepting the given matcher names. Throws RuleError.
 * `hint` may add advice to the "unknown matcher" error (e.g. a v2-only name used with v3 syntax).
 */
export function parseTree(rule: string, names: MatcherNames, hint?: (written: string) => string | undefined): RuleNode {
  return new Parser(rule, names, hint).parse();
}
