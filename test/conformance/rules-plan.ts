/**
 * rules.json: one entrypoint per case with a single router (the case's rule) in front of an upstream that
 * only that case uses. A match is the upstream answering 200; no match is Portico's 404 (or a 400 from the
 * HTTP parser, which rejects some requests before routing: see the corpus README caveats). Parse-error cases
 * check the router is reported `disabled` with an error.
 */
import type { RuleCase } from './cases.js';
import { sendRaw } from './raw-http.js';
import { buildRequest, type BuiltRequest } from './request-builder.js';
import type { CaseResult } from './results.js';
import { fail, pass, routerNote, type CheckOutcome, type RunnableCase, type SuiteContext, type SuitePlan } from './suite.js';
import type { Upstream } from './upstreams.js';

export const RULES_GROUP = 'rules.json';

export async function planRules(cases: RuleCase[], ctx: SuiteContext): Promise<SuitePlan> {
  const settled: CaseResult[] = [];
  const runnable: RunnableCase[] = [];
  for (const [index, c] of cases.entries()) {
    const base = { id: c.id, desc: c.desc, group: RULES_GROUP };
    const name = `rule${String(index).padStart(4, '0')}`;
    if (c.expectError) {
      // The router still needs an entrypoint of its own (no entryPoints = every entrypoint) and a service.
      const upstream = await ctx.upstreams.start(() => ({ status: 200, body: `case ${c.id}` }));
      await ctx.config.addEntryPoint(name);
      addRouter(ctx, name, c, upstream);
      runnable.push({ ...base, run: async (env) => checkRouterDisabled(env.routers.get(`${name}@file`), name) });
      continue;
    }
    if (c.request === undefined || c.expectMatch === undefined) {
      settled.push({ ...base, outcome: 'notRunnable', reason: 'case has neither expectError nor request + expectMatch' });
      continue;
    }
    const built = buildRequest(c.request);
    if (!built.ok) {
      settled.push({ ...base, outcome: 'notRunnable', reason: built.reason });
      continue;
    }
    const upstream = await ctx.upstreams.start(() => ({ status: 200, body: `case ${c.id}` }));
    const port = await ctx.config.addEntryPoint(name);
    addRouter(ctx, name, c, upstream);
    const expectMatch = c.expectMatch;
    runnable.push({
      ...base,
      run: async (env) => {
        const outcome = await checkMatch(port, built.request, upstream, expectMatch);
        return outcome.outcome === 'fail' ? fail(outcome.reason + routerNote(env, name)) : outcome;
      },
    });
  }
  return { settled, runnable };
}

function addRouter(ctx: SuiteContext, name: string, c: RuleCase, upstream: Upstream): void {
  ctx.config.addService(name, [upstream.url]);
  ctx.config.addRouter(name, name, { rule: c.rule, ruleSyntax: c.ruleSyntax, service: name });
}

export function checkRouterDisabled(router: { status?: string; error?: string[] } | undefined, name: string): CheckOutcome {
  if (router === undefined) return fail(`router ${name}@file is not listed by the API`);
  if (router.status === 'disabled' && (router.error?.length ?? 0) > 0) return pass;
  return fail(`expected router ${name}@file disabled with an error, API says status=${router.status} error=${JSON.stringify(router.error ?? [])}`);
}

async function checkMatch(port: number, request: BuiltRequest, upstream: Upstream, expectMatch: boolean): Promise<CheckOutcome> {
  const res = await sendRaw(port, request.bytes, { localAddress: request.localAddress, head: request.head });
  const got = `${res.status} ${JSON.stringify(res.body.subarray(0, 120).toString('utf8'))}, upstream hits ${upstream.hits}`;
  if (expectMatch) {
    return res.status === 200 && upstream.hits === 1 ? pass : fail(`expected a match (200 from the case's upstream), got ${got}`);
  }
  if (upstream.hits > 0) return fail(`expected no match, but the upstream was called; got ${got}`);
  if (res.status === 404 || res.status === 400) return pass;
  return fail(`expected no match (404, or 400 from the HTTP parser), got ${got}`);
}
