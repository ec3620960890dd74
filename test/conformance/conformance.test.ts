/**
 * Black-box Traefik conformance: the real `portico` CLI, configured the Traefik way, answers the requests of
 * the shared corpus (shared/conformance/*.json) over real sockets. One Portico process per file, one subtest
 * per file; each prints its counts and failures and holds its pass rate (of the cases runnable here) to a
 * threshold. Needs a build: `pnpm build`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { porticoBin, repoRoot } from '../helpers/portico-process.js';
import { loadCases, type MiddlewareCase, type PriorityCase, type RuleCase } from './cases.js';
import { IMPLEMENTED_MIDDLEWARES, planMiddlewares } from './middleware-plan.js';
import { PRIORITY_GROUP, planPriority } from './priority-plan.js';
import { thresholdMisses, type Tally } from './results.js';
import { RULES_GROUP, planRules } from './rules-plan.js';
import { runSuite } from './suite.js';

/** Minimum pass rates of the runnable cases. */
const THRESHOLDS = {
  rules: 0.99,
  priority: 1,
  /** Per implemented middleware. */
  middleware: 0.95,
};

const TIMEOUT_MS = 120_000;

/** bin/portico.js loads the build output; without it every file fails the same way, said once per file. */
const builtCli = join(repoRoot, 'plugins', 'standard', 'dist', 'cli.js');
const NOT_BUILT = `portico is not built (${builtCli} missing): run pnpm install && pnpm build`;

function finish(file: string, tally: Tally, thresholds: { group?: string; rate: number; label: string }[]): void {
  console.log(tally.report(file));
  const misses = thresholdMisses(tally, thresholds);
  assert.deepEqual(misses, [], `${file} below threshold:\n${misses.join('\n')}`);
}

describe('Traefik conformance (real portico process)', () => {
  test('portico is installed and built', () => {
    assert.ok(existsSync(porticoBin), `${porticoBin} is missing: run pnpm install`);
    assert.ok(existsSync(builtCli), NOT_BUILT);
  });

  test('rules.json', { timeout: TIMEOUT_MS }, async () => {
    assert.ok(existsSync(builtCli), NOT_BUILT);
    const cases = loadCases<RuleCase>('rules.json');
    assert.ok(cases.length > 0, 'rules.json has no cases');
    const tally = await runSuite((ctx) => planRules(cases, ctx));
    assert.equal(tally.results.length, cases.length, 'every case gets exactly one outcome');
    finish('rules.json', tally, [{ group: RULES_GROUP, rate: THRESHOLDS.rules, label: 'rules.json' }]);
  });

  test('priority.json', { timeout: TIMEOUT_MS }, async () => {
    assert.ok(existsSync(builtCli), NOT_BUILT);
    const cases = loadCases<PriorityCase>('priority.json');
    assert.ok(cases.length > 0, 'priority.json has no cases');
    const tally = await runSuite((ctx) => planPriority(cases, ctx));
    assert.equal(tally.results.length, cases.length, 'every case gets exactly one outcome');
    finish('priority.json', tally, [{ group: PRIORITY_GROUP, rate: THRESHOLDS.priority, label: 'priority.json' }]);
  });

  test('middlewares.json', { timeout: TIMEOUT_MS }, async () => {
    assert.ok(existsSync(builtCli), NOT_BUILT);
    const cases = loadCases<MiddlewareCase>('middlewares.json');
    assert.ok(cases.length > 0, 'middlewares.json has no cases');
    const tally = await runSuite((ctx) => planMiddlewares(cases, ctx));
    assert.equal(tally.results.length, cases.length, 'every case gets exactly one outcome');
    finish(
      'middlewares.json',
      tally,
      IMPLEMENTED_MIDDLEWARES.map((m) => ({ group: m, rate: THRESHOLDS.middleware, label: `middlewares.json ${m}` })),
    );
  });
});
