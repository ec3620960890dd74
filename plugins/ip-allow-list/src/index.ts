import { ConfigError, IPChecker, compileClientIP, defineMiddleware, hostOfRemoteAddr, ipStrategySchema, s, statusText } from '@portico/sdk';
import type { ElementContext, Handler, MiddlewareFactory } from '@portico/sdk';
import { goStatusText } from './status-text.js';

/**
 * ipAllowList (Traefik pkg/middlewares/ipallowlist): only clients whose IP (per ipStrategy) is in sourceRange
 * get through; the others get rejectStatusCode (403 by default) with its status text. `ipWhiteList` is the
 * deprecated v2 name Traefik v3 still accepts (same behaviour, always 403).
 */
const sourceRange = s.optional(
  s.array(s.string(), { default: [], description: 'Allowed IPs and CIDR ranges (IPv4 or IPv6); required, not empty.' }),
);

const allowListSchema = s.object({
  sourceRange,
  ipStrategy: s.optional(ipStrategySchema),
  rejectStatusCode: s.optional(
    s.integer({ default: 403, description: 'Status code answered to rejected clients (0 means 403); must be a known HTTP status.' }),
  ),
});

const whiteListSchema = s.object({ sourceRange, ipStrategy: s.optional(ipStrategySchema) });

interface AllowListOptions {
  sourceRange?: string[];
  ipStrategy?: Parameters<typeof compileClientIP>[0];
  rejectStatusCode?: number;
}

function checkerFor(ranges: readonly string[]): IPChecker {
  if (ranges.length === 0) throw new ConfigError('sourceRange is empty, IPAllowLister not created', 'sourceRange');
  try {
    return new IPChecker(ranges);
  } catch (err) {
    throw new ConfigError(`cannot parse CIDRs [${ranges.join(' ')}]: ${(err as Error).message}`, 'sourceRange');
  }
}

function rejectStatus(code: number | undefined): number {
  if (code === undefined || code === 0) return 403;
  if (goStatusText(code) === '') throw new ConfigError(`invalid HTTP status code ${code}`, 'rejectStatusCode');
  return code;
}

function validate(config: AllowListOptions): void {
  rejectStatus(config.rejectStatusCode);
  checkerFor(config.sourceRange ?? []);
}

function build(type: string, config: AllowListOptions, ctx: ElementContext): MiddlewareFactory {
  const status = rejectStatus(config.rejectStatusCode);
  const checker = checkerFor(config.sourceRange ?? []);
  const clientIP = compileClientIP(config.ipStrategy, 'ipStrategy', (m) => ctx.log.warn(`${type} ${ctx.element}: ${m}`));
  const body = goStatusText(status) || (statusText[status] ?? '');
  return (next: Handler): Handler =>
    (ex) => {
      // IsAuthorized: a host:port value (from X-Forwarded-For) is checked by its host; anything else that is
      // not an IP (empty included) is rejected.
      if (checker.contains(hostOfRemoteAddr(clientIP(ex)))) return next(ex);
      return ex.respond(status, body);
    };
}

export const ipAllowList = defineMiddleware({
  type: 'ipAllowList',
  description: 'Accepts requests only from the listed client IPs / ranges.',
  schema: allowListSchema,
  validate,
  build: (config, ctx) => build('ipAllowList', config, ctx),
});

export const ipWhiteList = defineMiddleware({
  type: 'ipWhiteList',
  description: 'Deprecated alias of ipAllowList (no rejectStatusCode): use ipAllowList.',
  schema: whiteListSchema,
  validate,
  build(config, ctx) {
    ctx.log.warn(`Middleware ${ctx.element} of type IPWhiteList is deprecated, please use IPAllowList instead.`);
    return build('ipWhiteList', config, ctx);
  },
});

export default [ipAllowList, ipWhiteList];
