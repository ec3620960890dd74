/**
 * buffering's `retryExpression` (oxy's buffer retry predicate, vulcand/predicate over Go expression syntax):
 * `Attempts()`, `ResponseCode()`, `IsNetworkError()`, integer and boolean literals, `== != < > <= >=`,
 * `&& || !` and parentheses, e.g. `IsNetworkError() && Attempts() < 2`. Compiled once to a closure; a syntax or
 * type error is a configuration error.
 */
export interface RetryContext {
  /** Attempts made so far (1 after the first). */
  attempts: number;
  /** Status of the last answer (502/504 when the upstream could not be reached). */
  responseCode: number;
}

export type RetryPredicate = (ctx: RetryContext) => boolean;

type Value = { type: 'bool'; eval: (c: RetryContext) => boolean } | { type: 'int'; eval: (c: RetryContext) => number };

const FUNCTIONS: Record<string, Value> = {
  Attempts: { type: 'int', eval: (c) => c.attempts },
  ResponseCode: { type: 'int', eval: (c) => c.responseCode },
  // oxy: a 502 or 504 means the backend could not be reached.
  IsNetworkError: { type: 'bool', eval: (c) => c.responseCode === 502 || c.responseCode === 504 },
};

const TOKEN = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||==|!=|<=|>=|[<>!()]))/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < source.length) {
    if (/^\s*$/.test(source.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(source);
    if (m === null) throw new Error(`unexpected ${JSON.stringify(source.slice(pos).trim()[0])} at offset ${pos}`);
    tokens.push(m[1] ?? m[2] ?? m[3]);
    pos = TOKEN.lastIndex;
  }
  return tokens;
}

export function compileRetryExpression(source: string): RetryPredicate {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const expect = (t: string) => {
    if (tokens[i] !== t) throw new Error(`expected ${JSON.stringify(t)}${tokens[i] === undefined ? ' at the end' : `, got ${JSON.stringify(tokens[i])}`}`);
    i++;
  };
  const bool = (v: Value, op: string): ((c: RetryContext) => boolean) => {
    if (v.type !== 'bool') throw new Error(`${op} needs a boolean operand`);
    return v.eval;
  };
  const int = (v: Value, op: string): ((c: RetryContext) => number) => {
    if (v.type !== 'int') throw new Error(`${op} needs an integer operand`);
    return v.eval;
  };

  const primary = (): Value => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('unexpected end of expression');
    if (t === '(') {
      const v = or();
      expect(')');
      return v;
    }
    if (/^\d+$/.test(t)) {
      const n = Number(t);
      return { type: 'int', eval: () => n };
    }
    if (t === 'true' || t === 'false') {
      const b = t === 'true';
      return { type: 'bool', eval: () => b };
    }
    const fn = FUNCTIONS[t];
    if (fn === undefined) throw new Error(`unknown function ${JSON.stringify(t)} (use Attempts(), ResponseCode(), IsNetworkError())`);
    expect('(');
    expect(')');
    return fn;
  };
  const unary = (): Value => {
    if (peek() === '!') {
      i++;
      const inner = bool(unary(), '!');
      return { type: 'bool', eval: (c) => !inner(c) };
    }
    return comparison();
  };
  const comparison = (): Value => {
    const left = primary();
    const op = peek();
    if (op !== '==' && op !== '!=' && op !== '<' && op !== '>' && op !== '<=' && op !== '>=') return left;
    i++;
    const right = primary();
    if (left.type !== right.type) throw new Error(`${op} compares values of different types`);
    if ((op === '==' || op === '!=') && left.type === 'bool') {
      const [a, b] = [left.eval, (right as typeof left).eval];
      return { type: 'bool', eval: op === '==' ? (c) => a(c) === b(c) : (c) => a(c) !== b(c) };
    }
    const a = int(left, op);
    const b = int(right, op);
    const cmp: Record<string, (x: number, y: number) => boolean> = {
      '==': (x, y) => x === y,
      '!=': (x, y) => x !== y,
      '<': (x, y) => x < y,
      '>': (x, y) => x > y,
      '<=': (x, y) => x <= y,
      '>=': (x, y) => x >= y,
    };
    const f = cmp[op];
    return { type: 'bool', eval: (c) => f(a(c), b(c)) };
  };
  const and = (): Value => {
    let left = unary();
    while (peek() === '&&') {
      i++;
      const [a, b] = [bool(left, '&&'), bool(unary(), '&&')];
      left = { type: 'bool', eval: (c) => a(c) && b(c) };
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (peek() === '||') {
      i++;
      const [a, b] = [bool(left, '||'), bool(and(), '||')];
      left = { type: 'bool', eval: (c) => a(c) || b(c) };
    }
    return left;
  };

  const result = or();
  if (i < tokens.length) throw new Error(`unexpected ${JSON.stringify(tokens[i])}`);
  return bool(result, 'the expression');
}
