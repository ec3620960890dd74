import { ExpressionError, tokenize, type Token } from './expression-lexer.js';

export { ExpressionError } from './expression-lexer.js';

/**
 * The circuit-breaker expression language (oxy cbreaker on vulcand/predicate), parsed once at configuration
 * time into a predicate over the breaker's metrics:
 *
 *   NetworkErrorRatio() > 0.30 || ResponseCodeRatio(500, 600, 0, 600) > 0.25 && LatencyAtQuantileMS(50.0) > 100
 *
 * - Functions: NetworkErrorRatio() and ResponseCodeRatio(from, to, dividedByFrom, dividedByTo) give a float;
 *   LatencyAtQuantileMS(quantile) takes a float (`50.0`, not `50`) and gives an int (milliseconds).
 * - A comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`) has a function on the left and a literal of the function's
 *   type on the right: `NetworkErrorRatio() > 0.5` (float), `LatencyAtQuantileMS(50.0) > 100` (int).
 * - `&&` and `||` join comparisons (Go precedence: `&&` binds tighter); parentheses group. Nothing else: oxy
 *   defines no `!`, no arithmetic. The whole expression must be a condition.
 *
 * The rules are oxy's, so an expression Traefik accepts is accepted here and one it refuses is refused; the
 * messages say what is wrong in this language's terms.
 */

/** What an expression reads: the breaker's rolling metrics. */
export interface MetricsView {
  networkErrorRatio(): number;
  responseCodeRatio(from: number, to: number, dividedByFrom: number, dividedByTo: number): number;
  /** Latency at the quantile (a percentile, 0–100), in whole milliseconds. */
  latencyAtQuantileMS(quantile: number): number;
}

export type Predicate = (m: MetricsView) => boolean;

type Node =
  | { kind: 'call'; name: string; args: Node[]; pos: number }
  | { kind: 'int' | 'float'; value: number; text: string; pos: number }
  | { kind: 'string'; text: string; pos: number }
  | { kind: 'ident'; name: string; pos: number }
  | { kind: 'binary'; op: string; left: Node; right: Node; pos: number }
  | { kind: 'unary'; op: string; operand: Node; pos: number };

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4, '|': 4, '^': 4,
  '*': 5, '/': 5, '%': 5, '<<': 5, '>>': 5, '&': 5, '&^': 5,
};

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  parseAll(): Node {
    if (this.peek().kind === 'eof') throw new ExpressionError('the expression is empty', 0);
    const node = this.binary(1);
    const t = this.peek();
    if (t.kind !== 'eof') throw new ExpressionError(`unexpected ${describe(t)} after a complete expression`, t.pos);
    return node;
  }

  private binary(minPrec: number): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const prec = t.kind === 'op' ? PRECEDENCE[t.text] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      this.next();
      const right = this.binary(prec + 1);
      left = { kind: 'binary', op: (t as { text: string }).text, left, right, pos: t.pos };
    }
  }

  private unary(): Node {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '!' || t.text === '-' || t.text === '+' || t.text === '^' || t.text === '&' || t.text === '*')) {
      this.next();
      return { kind: 'unary', op: t.text, operand: this.unary(), pos: t.pos };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.next();
    switch (t.kind) {
      case 'int':
      case 'float':
        return { kind: t.kind, value: t.value, text: t.text, pos: t.pos };
      case 'string':
        return { kind: 'string', text: t.text, pos: t.pos };
      case 'ident': {
        if (this.peek().kind === 'op' && (this.peek() as { text: string }).text === '(') {
          this.next();
          const args: Node[] = [];
          if (!this.isOp(')')) {
            for (;;) {
              args.push(this.binary(1));
              if (this.isOp(',')) {
                this.next();
                continue;
              }
              break;
            }
          }
          const close = this.next();
          if (close.kind !== 'op' || close.text !== ')') throw new ExpressionError(`expected ")" to close the call of ${t.text}, found ${describe(close)}`, close.pos);
          return { kind: 'call', name: t.text, args, pos: t.pos };
        }
        return { kind: 'ident', name: t.text, pos: t.pos };
      }
      case 'op':
        if (t.text === '(') {
          const inner = this.binary(1);
          const close = this.next();
          if (close.kind !== 'op' || close.text !== ')') throw new ExpressionError(`expected ")", found ${describe(close)}`, close.pos);
          return inner;
        }
        throw new ExpressionError(`unexpected ${describe(t)}`, t.pos);
      case 'eof':
        throw new ExpressionError('unexpected end of the expression', t.pos);
    }
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of the expression';
  if (t.kind === 'ident' || t.kind === 'op') return `"${t.text}"`;
  return t.kind === 'string' ? `string ${t.text}` : `number ${t.text}`;
}

// ---------------------------------------------------------------------------------------------------------
// Typing and compilation

type Metric = { type: 'int' | 'float'; read: (m: MetricsView) => number; name: string };
type Value = { kind: 'predicate'; fn: Predicate } | { kind: 'metric'; metric: Metric } | { kind: 'literal'; type: 'int' | 'float' | 'string'; value: number; text: string };

const FUNCTIONS: Record<string, { params: ('int' | 'float')[]; returns: 'int' | 'float'; make: (args: number[]) => (m: MetricsView) => number }> = {
  NetworkErrorRatio: { params: [], returns: 'float', make: () => (m) => m.networkErrorRatio() },
  ResponseCodeRatio: {
    params: ['int', 'int', 'int', 'int'],
    returns: 'float',
    make: ([a, b, c, d]) => (m) => m.responseCodeRatio(a, b, c, d),
  },
  LatencyAtQuantileMS: { params: ['float'], returns: 'int', make: ([q]) => (m) => m.latencyAtQuantileMS(q) },
};

const SIGNATURES = 'NetworkErrorRatio(), ResponseCodeRatio(from, to, dividedByFrom, dividedByTo), LatencyAtQuantileMS(quantile)';

function compileNode(n: Node): Value {
  switch (n.kind) {
    case 'int':
    case 'float':
      return { kind: 'literal', type: n.kind, value: n.value, text: n.text };
    case 'string':
      return { kind: 'literal', type: 'string', value: Number.NaN, text: n.text };
    case 'ident':
      throw new ExpressionError(`${n.name} is not defined (functions are called with parentheses: ${SIGNATURES})`, n.pos);
    case 'unary':
      throw new ExpressionError(`"${n.op}" is not supported (only comparisons joined by && and ||)`, n.pos);
    case 'call':
      return { kind: 'metric', metric: compileCall(n) };
    case 'binary':
      return { kind: 'predicate', fn: compileBinary(n) };
  }
}

function compileCall(n: Extract<Node, { kind: 'call' }>): Metric {
  const fn = FUNCTIONS[n.name];
  if (fn === undefined) throw new ExpressionError(`unsupported function: ${n.name} (known: ${SIGNATURES})`, n.pos);
  if (n.args.length !== fn.params.length) {
    throw new ExpressionError(`${n.name} takes ${fn.params.length} argument${fn.params.length === 1 ? '' : 's'}, got ${n.args.length}`, n.pos);
  }
  const values = n.args.map((arg, i) => {
    const want = fn.params[i];
    if (arg.kind !== 'int' && arg.kind !== 'float') {
      throw new ExpressionError(`argument ${i + 1} of ${n.name} must be a number literal`, arg.pos);
    }
    if (arg.kind !== want) {
      const hint = want === 'float' ? ` (write ${arg.text}.0)` : '';
      throw new ExpressionError(`argument ${i + 1} of ${n.name} must be ${want === 'float' ? 'a float' : 'an integer'}, got ${arg.text}${hint}`, arg.pos);
    }
    return arg.value;
  });
  return { type: fn.returns, read: fn.make(values), name: n.name };
}

function compileBinary(n: Extract<Node, { kind: 'binary' }>): Predicate {
  const left = compileNode(n.left);
  const right = compileNode(n.right);
  if (n.op === '&&' || n.op === '||') {
    if (left.kind !== 'predicate') throw new ExpressionError(`the left side of ${n.op} must be a comparison`, n.left.pos);
    if (right.kind !== 'predicate') throw new ExpressionError(`the right side of ${n.op} must be a comparison`, n.right.pos);
    const a = left.fn;
    const b = right.fn;
    return n.op === '&&' ? (m) => a(m) && b(m) : (m) => a(m) || b(m);
  }
  if (PRECEDENCE[n.op] !== 3) throw new ExpressionError(`"${n.op}" is not supported (only comparisons joined by && and ||)`, n.pos);
  if (left.kind !== 'metric') {
    throw new ExpressionError(`the left side of ${n.op} must be a function (${SIGNATURES})`, n.left.pos);
  }
  if (right.kind !== 'literal' || right.type === 'string') {
    throw new ExpressionError(`the right side of ${n.op} must be a number literal`, n.right.pos);
  }
  const metric = left.metric;
  if (right.type !== metric.type) {
    const hint = metric.type === 'float' ? ` (write ${right.text}.0)` : '';
    throw new ExpressionError(`${metric.name}() is ${metric.type === 'float' ? 'a float' : 'an integer'}: compare it with ${metric.type === 'float' ? 'a float' : 'an integer'}, got ${right.text}${hint}`, n.right.pos);
  }
  return comparison(n.op, metric.read, right.value);
}

function comparison(op: string, read: (m: MetricsView) => number, v: number): Predicate {
  switch (op) {
    case '==':
      return (m) => read(m) === v;
    case '!=':
      return (m) => read(m) !== v;
    case '<':
      return (m) => read(m) < v;
    case '<=':
      return (m) => read(m) <= v;
    case '>':
      return (m) => read(m) > v;
    default:
      return (m) => read(m) >= v;
  }
}

/** Parses and type-checks an expression; throws ExpressionError (with the offset) when it is not valid. */
export function parseExpression(input: string): Predicate {
  const ast = new Parser(tokenize(input)).parseAll();
  const value = compileNode(ast);
  if (value.kind !== 'predicate') throw new ExpressionError('the expression must be a condition, e.g. NetworkErrorRatio() > 0.5', 0);
  return value.fn;
}
