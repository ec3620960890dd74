/**
 * Backends for the retry middleware's `attemptSequence` (per attempt: a status, or `network-error` = the
 * attempt fails before the request reaches a server).
 *
 * - Statuses only: one upstream answering by attempt number; the attempt count is its hit count.
 * - With network errors: a refused connection needs a closed port, and each attempt asks the load balancer for
 *   a server again, so the service gets one server per attempt. Which server the balancer picks k-th is learnt
 *   once Portico runs, from calibration services of the same size (two per size, which must agree: a random
 *   balancer makes these cases not runnable). Then the slots picked for `network-error` attempts are closed and
 *   the others answer their attempt's status. Closed slots leave no trace, so the retry count is checked on the
 *   live slots: those within the expected attempts were each hit once, the later ones never.
 */
import type { MiddlewareBackend } from './cases.js';
import { sendRaw, serializeRequest } from './raw-http.js';
import type { SuiteContext } from './suite.js';
import type { RecordedRequest, Upstream, UpstreamAnswer, UpstreamPool } from './upstreams.js';

export const NETWORK_ERROR = 'network-error';

export interface RetryBackend {
  /** Server URLs of the case's service, in order. */
  urls: string[];
  /** Requests received by every slot, in arrival order. */
  requests(): RecordedRequest[];
  /** Called once the balancer order is known; a reason when the case cannot run. */
  arm(): Promise<string | undefined>;
  checkRetries(retries: number): string | undefined;
}

function attemptAnswer(sequence: string[], attempt: number, delayMs: number): UpstreamAnswer {
  const step = sequence[attempt - 1];
  const status = step === undefined ? NaN : Number(step);
  if (!Number.isInteger(status)) return { status: 500, body: `unexpected attempt ${attempt}` };
  const headers: Record<string, string> = { [`X-Attempt-${attempt}`]: 'true' };
  if (status === 200) headers['X-Final'] = 'success';
  return { status, headers, delayMs };
}

/** Milliseconds of a Go duration such as `50ms`, `2500us`, `1s` (what the corpus uses for delays). */
export function durationMs(text: string | undefined): number {
  if (text === undefined) return 0;
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s)$/.exec(text);
  if (!m) throw new Error(`unsupported duration ${JSON.stringify(text)}`);
  const factor = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000 }[m[2] as 'ns' | 'us' | 'µs' | 'ms' | 's'];
  return Number(m[1]) * factor;
}

export async function startRetryBackend(pool: UpstreamPool, backend: MiddlewareBackend, calibration: LoadBalancerCalibration): Promise<RetryBackend> {
  const sequence = backend.attemptSequence ?? [];
  const delayMs = durationMs(backend.delayPerAttempt);
  if (!sequence.includes(NETWORK_ERROR)) {
    const upstream = await pool.start((_req, hit) => attemptAnswer(sequence, hit, delayMs));
    return {
      urls: [upstream.url],
      requests: () => upstream.requests,
      arm: async () => undefined,
      checkRetries: (retries) =>
        upstream.hits === retries + 1 ? undefined : `backend saw ${upstream.hits} attempt(s), expected ${retries + 1} (${retries} retries)`,
    };
  }

  const slots: Upstream[] = [];
  for (let i = 0; i < sequence.length; i++) slots.push(await pool.start(() => ({ status: 500, body: 'slot not armed' })));
  calibration.need(sequence.length);
  let order: number[] = [];
  return {
    urls: slots.map((s) => s.url),
    requests: () => slots.flatMap((s) => s.requests),
    arm: async () => {
      const learnt = calibration.orderFor(sequence.length);
      if (typeof learnt === 'string') return learnt;
      order = learnt;
      for (const [k, step] of sequence.entries()) {
        const slot = slots[order[k]];
        if (step === NETWORK_ERROR) await slot.close();
        else slot.responder = () => attemptAnswer(sequence, k + 1, delayMs);
      }
      return undefined;
    },
    checkRetries: (retries) => {
      const picks = retries + 1;
      if (picks > sequence.length) return `cannot observe ${picks} attempts with ${sequence.length} servers`;
      const wrong = sequence.flatMap((step, k) => {
        if (step === NETWORK_ERROR) return [];
        const hits = slots[order[k]].hits;
        const want = k < picks ? 1 : 0;
        return hits === want ? [] : [`attempt ${k + 1} (${step}) reached its server ${hits} time(s), expected ${want}`];
      });
      return wrong.length === 0 ? undefined : `${wrong.join('; ')} (expected ${retries} retries; balancer order ${order.join(',')})`;
    },
  };
}

/**
 * Learns the order in which a fresh load balancer of n servers picks them: two services per size, each asked
 * n times; both must give the same permutation.
 */
export class LoadBalancerCalibration {
  private readonly sizes = new Set<number>();
  private readonly probes = new Map<number, { port: number; slots: Upstream[] }[]>();
  private readonly orders = new Map<number, number[] | string>();

  need(size: number): void {
    this.sizes.add(size);
  }

  /** Adds the calibration entrypoints, routers and services (call after every `need`). */
  async configure(ctx: SuiteContext): Promise<void> {
    for (const size of this.sizes) {
      const probes: { port: number; slots: Upstream[] }[] = [];
      for (const variant of ['a', 'b']) {
        const name = `calib${size}${variant}`;
        const slots: Upstream[] = [];
        for (let i = 0; i < size; i++) slots.push(await ctx.upstreams.start(() => ({ status: 200, body: String(i) })));
        const port = await ctx.config.addEntryPoint(name);
        ctx.config.addService(name, slots.map((s) => s.url));
        ctx.config.addRouter(name, name, { rule: 'PathPrefix(`/`)', service: name });
        probes.push({ port, slots });
      }
      this.probes.set(size, probes);
    }
  }

  async calibrate(): Promise<void> {
    const request = serializeRequest({ method: 'GET', target: '/', headers: [['Host', 'example.com']] });
    for (const [size, probes] of this.probes) {
      const orders: string[] = [];
      let problem: string | undefined;
      for (const probe of probes) {
        const order: number[] = [];
        for (let i = 0; i < size; i++) {
          const res = await sendRaw(probe.port, request);
          if (res.status !== 200) problem ??= `calibration request answered ${res.status}`;
          order.push(Number(res.body.toString('utf8')));
        }
        orders.push(order.join(','));
      }
      const first = orders[0].split(',').map(Number);
      const isPermutation = [...first].sort((a, b) => a - b).every((v, i) => v === i);
      if (problem) this.orders.set(size, `load balancer calibration failed: ${problem}`);
      else if (!isPermutation) {
        this.orders.set(size, `load balancer does not pick each of ${size} servers once in ${size} requests (picked ${orders.join(' / ')}), network-error attempts cannot be sequenced`);
      } else if (orders.some((o) => o !== orders[0])) {
        this.orders.set(size, `load balancer pick order is not deterministic (calibration orders ${orders.join(' / ')}), network-error attempts cannot be sequenced`);
      } else this.orders.set(size, first);
    }
  }

  orderFor(size: number): number[] | string {
    return this.orders.get(size) ?? `no calibration for ${size} servers`;
  }
}
