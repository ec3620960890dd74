import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression, type MetricsView } from '../src/expression.js';

/** Fixed metrics to evaluate compiled expressions against. */
function metrics(v: { net?: number; codes?: number; latency?: number }): MetricsView & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    networkErrorRatio: () => (calls.push('NetworkErrorRatio'), v.net ?? 0),
    responseCodeRatio: (a, b, c, d) => (calls.push(`ResponseCodeRatio(${a},${b},${c},${d})`), v.codes ?? 0),
    latencyAtQuantileMS: (q) => (calls.push(`LatencyAtQuantileMS(${q})`), v.latency ?? 0),
  };
}

describe('circuitBreaker expression: valid expressions', () => {
  const table: { desc: string; expr: string; m: Parameters<typeof metrics>[0]; want: boolean }[] = [
    { desc: 'network error ratio above the threshold', expr: 'NetworkErrorRatio() > 0.5', m: { net: 0.6 }, want: true },
    { desc: 'network error ratio below the threshold', expr: 'NetworkErrorRatio() > 0.5', m: { net: 0.4 }, want: false },
    { desc: 'ratio equal to the threshold with >=', expr: 'NetworkErrorRatio() >= 0.5', m: { net: 0.5 }, want: true },
    { desc: 'ratio equal to the threshold with <=', expr: 'NetworkErrorRatio() <= 0.5', m: { net: 0.5 }, want: true },
    { desc: 'strictly less', expr: 'NetworkErrorRatio() < 0.5', m: { net: 0.5 }, want: false },
    { desc: 'equality', expr: 'NetworkErrorRatio() == 0.25', m: { net: 0.25 }, want: true },
    { desc: 'inequality', expr: 'NetworkErrorRatio() != 0.25', m: { net: 0.25 }, want: false },
    { desc: 'response code ratio', expr: 'ResponseCodeRatio(500, 600, 0, 600) > 0.25', m: { codes: 0.3 }, want: true },
    { desc: 'latency at a quantile compares with an integer', expr: 'LatencyAtQuantileMS(50.0) > 100', m: { latency: 101 }, want: true },
    { desc: 'latency not above', expr: 'LatencyAtQuantileMS(50.0) > 100', m: { latency: 100 }, want: false },
    { desc: '|| holds when one side holds', expr: 'NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(50.0) > 100', m: { net: 0, latency: 200 }, want: true },
    { desc: '&& needs both sides', expr: 'NetworkErrorRatio() > 0.5 && LatencyAtQuantileMS(50.0) > 100', m: { net: 0.9, latency: 50 }, want: false },
    { desc: '&& binds tighter than ||', expr: 'NetworkErrorRatio() > 0.5 || NetworkErrorRatio() < 0.1 && LatencyAtQuantileMS(50.0) > 100', m: { net: 0.9, latency: 0 }, want: true },
    { desc: 'parentheses group', expr: '(NetworkErrorRatio() > 0.5 || NetworkErrorRatio() < 0.1) && LatencyAtQuantileMS(50.0) > 100', m: { net: 0.9, latency: 0 }, want: false },
    { desc: 'a float written with a leading dot', expr: 'NetworkErrorRatio() > .5', m: { net: 0.6 }, want: true },
    { desc: 'spaces and newlines are ignored', expr: '  NetworkErrorRatio( )>0.5\n', m: { net: 0.6 }, want: true },
  ];
  for (const row of table) {
    test(row.desc, () => {
      assert.equal(parseExpression(row.expr)(metrics(row.m)), row.want);
    });
  }

  test('function arguments reach the metrics', () => {
    const m = metrics({});
    parseExpression('ResponseCodeRatio(500, 600, 0, 600) > 0.5 || LatencyAtQuantileMS(99.9) > 1')(m);
    assert.deepEqual(m.calls, ['ResponseCodeRatio(500,600,0,600)', 'LatencyAtQuantileMS(99.9)']);
  });

  test('|| stops at the first side that holds', () => {
    const m = metrics({ net: 1 });
    parseExpression('NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(50.0) > 1')(m);
    assert.deepEqual(m.calls, ['NetworkErrorRatio']);
  });
});

describe('circuitBreaker expression: invalid expressions', () => {
  const table: { desc: string; expr: string; message: RegExp }[] = [
    { desc: 'empty', expr: '', message: /empty/ },
    { desc: 'unknown function', expr: 'ErrorRatio() > 0.5', message: /unsupported function: ErrorRatio/ },
    { desc: 'a function without parentheses', expr: 'NetworkErrorRatio > 0.5', message: /NetworkErrorRatio is not defined/ },
    { desc: 'an integer quantile (oxy needs a float)', expr: 'LatencyAtQuantileMS(50) > 100', message: /must be a float, got 50 \(write 50\.0\)/ },
    { desc: 'a float compared with an integer', expr: 'NetworkErrorRatio() > 1', message: /compare it with a float, got 1 \(write 1\.0\)/ },
    { desc: 'an integer metric compared with a float', expr: 'LatencyAtQuantileMS(50.0) > 100.0', message: /is an integer: compare it with an integer/ },
    { desc: 'too few arguments', expr: 'ResponseCodeRatio(500, 600) > 0.5', message: /takes 4 arguments, got 2/ },
    { desc: 'arguments to NetworkErrorRatio', expr: 'NetworkErrorRatio(1) > 0.5', message: /takes 0 arguments, got 1/ },
    { desc: 'a literal on the left', expr: '0.5 < NetworkErrorRatio()', message: /left side of < must be a function/ },
    { desc: 'a function alone is not a condition', expr: 'NetworkErrorRatio()', message: /must be a condition/ },
    { desc: 'negation is not supported', expr: '!(NetworkErrorRatio() > 0.5)', message: /"!" is not supported/ },
    { desc: 'arithmetic is not supported', expr: 'NetworkErrorRatio() + 0.5 > 1.0', message: /"\+" is not supported/ },
    { desc: '&& between metrics', expr: 'NetworkErrorRatio() && LatencyAtQuantileMS(50.0)', message: /left side of && must be a comparison/ },
    { desc: 'unbalanced parenthesis', expr: '(NetworkErrorRatio() > 0.5', message: /expected "\)"/ },
    { desc: 'trailing garbage', expr: 'NetworkErrorRatio() > 0.5 0.6', message: /unexpected number 0\.6 after a complete expression/ },
    { desc: 'a stray character', expr: 'NetworkErrorRatio() > 0.5 @', message: /unexpected character "@"/ },
    { desc: 'a string compared', expr: 'NetworkErrorRatio() > "0.5"', message: /right side of > must be a number literal/ },
    { desc: 'a dangling operator', expr: 'NetworkErrorRatio() >', message: /unexpected end of the expression/ },
  ];
  for (const row of table) {
    test(row.desc, () => {
      assert.throws(() => parseExpression(row.expr), (err: Error) => {
        assert.match(err.message, row.message);
        return true;
      });
    });
  }
});
