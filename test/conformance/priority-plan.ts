/**
 * priority.json: per case one entrypoint holding all its routers, each router in front of its own upstream;
 * the winner is the upstream that got the request. `defaultPriority` entries check the effective priority the
 * API reports for a router without an explicit one.
 */
import type { PriorityCase } from './cases.js';
import { sendRaw } from './raw-http.js';
import { buildRequest } from './request-builder.js';
import type { CaseResult } from './results.js';
import { fail, pass, type RunnableCase, type SuiteContext, type SuitePlan } from './suite.js';
import type { Upstream } from './upstreams.js';

export const PRIORITY_GROUP = 'priority.json';

export async function planPriority(cases: PriorityCase[], ctx: SuiteContext): Promise<SuitePlan> {
  const settled: CaseResult[] = [];
  const runnable: RunnableCase[] = [];
  for (const [index, c] of cases.entries()) {
    const base = { id: c.id, desc: c.desc, group: PRIORITY_GROUP };
    const ep = `prio${String(index).padStart(3, '0')}`;

    if (c.kind === 'defaultPriority') {
      if (c.rule === undefined || c.expectPriority === undefined) {
        settled.push({ ...base, outcome: 'notRunnable', reason: 'defaultPriority entry without rule/expectPriority' });
        continue;
      }
      const upstream = await ctx.upstreams.start(() => ({ status: 200 }));
      await ctx.config.addEntryPoint(ep);
      ctx.config.addService(ep, [upstream.url]);
      ctx.config.addRouter(ep, ep, { rule: c.rule, service: ep });
      const expected = c.expectPriority;
      runnable.push({
        ...base,
        run: async (env) => {
          const router = env.routers.get(`${ep}@file`);
          if (router === undefined) return fail(`router ${ep}@file is not listed by the API`);
          return router.priority === expected ? pass : fail(`API priority ${JSON.stringify(router.priority)}, expected ${expected}`);
        },
      });
      continue;
    }

    const providers = (c.routers ?? []).filter((r) => r.provider !== undefined && r.provider !== 'file').map((r) => r.provider);
    if (providers.length > 0 || c.providersPrecedence !== undefined) {
      settled.push({
        ...base,
        outcome: 'notRunnable',
        reason: `needs routers from providers ${[...new Set(providers)].join(', ')} (only the file provider runs here)`,
      });
      continue;
    }
    if (!c.routers?.length || c.request === undefined || c.expectRouter === undefined) {
      settled.push({ ...base, outcome: 'notRunnable', reason: 'case without routers/request/expectRouter' });
      continue;
    }
    const built = buildRequest(c.request, { goHostDefault: true });
    if (!built.ok) {
      settled.push({ ...base, outcome: 'notRunnable', reason: built.reason });
      continue;
    }

    const port = await ctx.config.addEntryPoint(ep);
    const byRouter = new Map<string, Upstream>();
    for (const r of c.routers) {
      const name = `${ep}-${r.name}`;
      const upstream = await ctx.upstreams.start(() => ({ status: 200, body: `router ${r.name}` }));
      byRouter.set(r.name, upstream);
      ctx.config.addService(name, [upstream.url]);
      ctx.config.addRouter(name, ep, { rule: r.rule, priority: r.priority, service: name });
    }
    const expected = c.expectRouter;
    const request = built.request;
    runnable.push({
      ...base,
      run: async () => {
        const res = await sendRaw(port, request.bytes, { localAddress: request.localAddress, head: request.head });
        const hit = [...byRouter].filter(([, u]) => u.hits > 0).map(([name]) => name);
        if (res.status === 200 && hit.length === 1 && hit[0] === expected) return pass;
        return fail(`expected router ${expected} to win, got status ${res.status}, routers hit: ${hit.join(', ') || 'none'}`);
      },
    });
  }
  return { settled, runnable };
}
