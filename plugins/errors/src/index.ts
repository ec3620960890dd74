import { ConfigError, defineMiddleware, s } from '@portico/sdk';
import type { Exchange, Handler } from '@portico/sdk';
import { runCatching } from './catch-status.js';
import { servePage, pageHeaders } from './page-request.js';
import { compileQuery, goQueryEscape, requestUrl } from './query.js';
import { parseStatusEntry, parseStatusRanges, statusInRanges, type StatusRanges } from './status-ranges.js';

/**
 * errors (Traefik pkg/middlewares/customerrors): when the rest of the chain answers with one of the `status`
 * codes, that answer is discarded and the client gets instead the page the error `service` returns for a GET of
 * `query` — with the original status (or its statusRewrites replacement), the page's headers and body.
 */
const schema = s.object({
  status: s.optional(
    s.array(s.string(), {
      default: [],
      description: 'Statuses that trigger the error page: codes ("404"), ranges ("500-599", bounds included) or several separated by commas ("404,500-599").',
    }),
  ),
  statusRewrites: s.optional(
    s.record(s.integer(), {
      description:
        'Status sent to the client instead of the original one, by original status or range (e.g. "418": 404, "502-504": 500). Applies only to statuses caught by `status`; exact codes win over ranges. {status} in `query` is the new status.',
    }),
  ),
  service: s.string({ description: 'Service that serves the error page (`name` for the same provider as the middleware, `name@provider` for any).' }),
  query: s.optional(
    s.string({
      default: '',
      description:
        'Path and query of the error-page request. Placeholders: {status} (status sent to the client), {originalStatus} (status the service answered, before statusRewrites), {url} (the original request URL, query-escaped). Empty: `/`.',
    }),
  ),
  errorRequestHeaders: s.optional(
    s.array(s.string(), {
      description: 'Request headers copied to the error-page request. Not set: all of them; an empty list: none (Host is always kept).',
    }),
  ),
});

/** A status rewrite: the statuses it applies to and the status sent instead. */
interface Rewrite {
  ranges: StatusRanges;
  to: number;
}

export const errors = defineMiddleware({
  type: 'errors',
  description: 'Replaces answers with listed statuses by a page from another service, keeping the status.',
  schema,

  validate(config) {
    (config.status ?? []).forEach((entry, i) => {
      try {
        parseStatusEntry(entry);
      } catch (err) {
        throw new ConfigError((err as Error).message, `status[${i}]`);
      }
    });
    for (const [from, to] of Object.entries(config.statusRewrites ?? {})) {
      try {
        parseStatusEntry(from);
      } catch (err) {
        throw new ConfigError((err as Error).message, `statusRewrites.${from}`);
      }
      // Go's WriteHeader refuses codes outside 100-999 (it panics); Node's writeHead does the same.
      if (to < 100 || to > 999) throw new ConfigError(`invalid HTTP status ${to} (expected 100 to 999)`, `statusRewrites.${from}`);
    }
    if (config.service.trim() === '') throw new ConfigError('service cannot be empty', 'service');
  },

  build(config, ctx) {
    if (ctx.service === undefined) throw new ConfigError('this host cannot resolve service references (ElementContext.service is missing)', 'service');
    const service: Handler = ctx.service(config.service, 'service');
    const ranges = parseStatusRanges(config.status ?? []);
    const rewrite = compileRewrites(config.statusRewrites ?? {});
    const query = compileQuery(config.query ?? '');
    const only = config.errorRequestHeaders === undefined ? null : new Set(config.errorRequestHeaders.map((h) => h.toLowerCase()));
    const caught = (status: number): boolean => statusInRanges(ranges, status);
    if (ranges.length === 0) return (next) => next;

    return (next: Handler): Handler => {
      const serve = async (ex: Exchange): Promise<void> => {
        // The request as it reached this middleware: inner middlewares may rewrite the exchange's fields.
        const { path, query: search, headers } = ex;
        const original = await runCatching(ex, next, caught);
        if (original === 0) return;
        const status = rewrite(original);
        const url = query.usesUrl ? goQueryEscape(requestUrl(ex, path, search)) : '';
        ctx.log.debug({ status: original }, 'caught status, serving the error page');
        await servePage(ex, service, query.render(status, original, url), pageHeaders(headers, only), status);
      };
      // Protocol upgrades (WebSocket) are relayed as they are: there is no page to put in their place.
      return (ex) => (ex.upgrade === null ? serve(ex) : next(ex));
    };
  },
});

/** statusRewrites as one function; exact codes are checked before ranges (the map's order is not kept by YAML/JS for numeric keys). */
function compileRewrites(map: Record<string, number>): (status: number) => number {
  const rules: Rewrite[] = Object.entries(map).map(([from, to]) => ({ ranges: parseStatusEntry(from), to }));
  if (rules.length === 0) return (status) => status;
  const exact = rules.filter((r) => r.ranges.every(([low, high]) => low === high));
  const ordered = [...exact, ...rules.filter((r) => !exact.includes(r))];
  return (status) => {
    for (const r of ordered) if (statusInRanges(r.ranges, status)) return r.to;
    return status;
  };
}

export default [errors];
