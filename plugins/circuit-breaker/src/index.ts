import { STATUS_CODES } from 'node:http';
import { ConfigError, UpstreamError, defineMiddleware, parseDuration, s } from '@portico/sdk';
import type { Exchange, Handler } from '@portico/sdk';
import { Breaker } from './breaker.js';
import { ExpressionError, parseExpression, type Predicate } from './expression.js';

/**
 * circuitBreaker (Traefik pkg/middlewares/circuitbreaker over oxy's cbreaker): measures what the rest of the
 * chain answers and, when the expression holds, answers `responseCode` itself for fallbackDuration, then lets
 * traffic back progressively over recoveryDuration. See breaker.ts for the states and expression.ts for the
 * language.
 */
const schema = s.object({
  expression: s.string({
    description:
      'Condition that trips the breaker, e.g. `NetworkErrorRatio() > 0.5`, `ResponseCodeRatio(500, 600, 0, 600) > 0.25`, `LatencyAtQuantileMS(50.0) > 100`, joined with && and ||.',
  }),
  checkPeriod: s.optional(s.duration({ default: '100ms', description: 'Interval between evaluations of the expression.' })),
  fallbackDuration: s.optional(s.duration({ default: '10s', description: 'How long the breaker answers responseCode once tripped.' })),
  recoveryDuration: s.optional(s.duration({ default: '10s', description: 'How long traffic takes to ramp back up after fallbackDuration.' })),
  responseCode: s.optional(s.integer({ default: 503, description: 'Status answered while the breaker is open.' })),
});

interface Prepared {
  condition: Predicate;
  checkPeriodMs: number;
  fallbackDurationMs: number;
  recoveryDurationMs: number;
  responseCode: number;
}

/** A configured duration, or the default when unset, zero or negative (Traefik only applies values > 0). */
function durationOr(value: string | number | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const ms = parseDuration(value);
  return ms > 0 ? ms : fallbackMs;
}

export const circuitBreaker = defineMiddleware<typeof schema, Prepared>({
  type: 'circuitBreaker',
  description: 'Stops calling a failing service: answers responseCode while an expression over error ratios or latency holds.',
  schema,

  provision(config) {
    let condition: Predicate;
    try {
      condition = parseExpression(config.expression);
    } catch (err) {
      if (err instanceof ExpressionError) {
        throw new ConfigError(`invalid expression at offset ${err.pos}: ${err.message}`, 'expression');
      }
      throw err;
    }
    return {
      condition,
      checkPeriodMs: durationOr(config.checkPeriod, 100),
      fallbackDurationMs: durationOr(config.fallbackDuration, 10_000),
      recoveryDurationMs: durationOr(config.recoveryDuration, 10_000),
      responseCode: config.responseCode ?? 503,
    };
  },

  validate(p) {
    if (p.responseCode < 100 || p.responseCode > 599) throw new ConfigError(`invalid status code ${p.responseCode} (100–599)`, 'responseCode');
  },

  build(p) {
    const body = Buffer.from(STATUS_CODES[p.responseCode] ?? '');
    // A new breaker per router the middleware is used on: their states are not shared (Traefik's rule).
    return (next: Handler): Handler => {
      const breaker = new Breaker({
        condition: p.condition,
        checkPeriodMs: p.checkPeriodMs,
        fallbackDurationMs: p.fallbackDurationMs,
        recoveryDurationMs: p.recoveryDurationMs,
      });
      return (ex) => {
        if (breaker.shouldFallback()) {
          ex.respond(p.responseCode, body);
          return;
        }
        return measure(ex, next, breaker);
      };
    };
  },
});

/**
 * Runs the rest of the chain and records its outcome: the status written to the client (200 when nothing was,
 * as Go's writer reports), or the status an UpstreamError will be answered with (502/504 count as network
 * errors), and the time until the handler finished.
 */
async function measure(ex: Exchange, next: Handler, breaker: Breaker): Promise<void> {
  const start = performance.now();
  try {
    await next(ex);
  } catch (err) {
    const status = err instanceof UpstreamError ? err.status : 500;
    breaker.record(ex.status !== 0 ? ex.status : status, performance.now() - start);
    throw err;
  }
  breaker.record(ex.status !== 0 ? ex.status : 200, performance.now() - start);
}

export default [circuitBreaker];
