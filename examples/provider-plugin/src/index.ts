/**
 * portico-provider-http — Traefik's HTTP provider as a Portico provider plugin: polls an endpoint that
 * answers with dynamic configuration (JSON, or YAML) and pushes each new answer as a snapshot. When a poll
 * fails (unreachable, timeout, non-200, bad syntax), the last good configuration stays in force and the error
 * is reported; the next good answer replaces it.
 *
 * Enabled by path or package, then configured like Traefik's:
 *
 *   plugins:   { http: { path: ./node_modules/portico-provider-http } }
 *   providers: { http: { endpoint: "http://127.0.0.1:9000/config", pollInterval: 5s } }
 */
import { defineProvider, definePlugin, parseDuration, s, type Static } from '@portico/sdk';
import { fetchConfig } from './fetch-config.js';

const schema = s.object(
  {
    endpoint: s.string({ description: 'URL that answers with the dynamic configuration (JSON or YAML).' }),
    pollInterval: s.duration({ description: 'Time between two polls of the endpoint.', default: '5s' }),
    pollTimeout: s.duration({ description: 'Longest wait for the endpoint\'s answer.', default: '5s' }),
    headers: s.record(s.string(), { description: 'Headers sent with each poll (e.g. Authorization).', default: {} }),
  },
  { description: 'HTTP provider: polls an endpoint for dynamic configuration.' },
);
export type HttpProviderConfig = Static<typeof schema>;

function options(cfg: HttpProviderConfig) {
  let url: URL;
  try {
    url = new URL(cfg.endpoint);
  } catch {
    throw new Error(`endpoint ${JSON.stringify(cfg.endpoint)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`endpoint must be http:// or https://, got ${url.protocol}`);
  return {
    endpoint: url.href,
    headers: cfg.headers ?? {},
    intervalMs: parseDuration(cfg.pollInterval ?? '5s'),
    timeoutMs: parseDuration(cfg.pollTimeout ?? '5s'),
  };
}

export const httpProvider = defineProvider({
  name: 'http',
  description: 'Polls an HTTP endpoint for dynamic configuration (Traefik\'s HTTP provider).',
  schema,

  async load(cfg) {
    const o = options(cfg);
    return { config: await fetchConfig(o), source: o.endpoint };
  },

  start(cfg, ctx) {
    const o = options(cfg);
    if (o.intervalMs <= 0) throw new Error('pollInterval must be more than 0');
    let timer: NodeJS.Timeout | undefined;
    const poll = async () => {
      try {
        ctx.push({ config: await fetchConfig({ ...o, signal: ctx.signal }), source: o.endpoint });
      } catch (err) {
        if (ctx.signal.aborted) return;
        ctx.fail({ message: (err as Error).message, source: o.endpoint });
      }
      if (!ctx.signal.aborted) timer = setTimeout(poll, o.intervalMs);
    };
    ctx.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    // The first poll is not awaited: an unreachable endpoint must not hold up start-up.
    void poll();
  },
});

export default definePlugin(httpProvider);
