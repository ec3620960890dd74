// Router priority (default = rule length) and the order routers are tried in, plus the domains
// a rule names (for TLS certificates and ACME).
import { V2_MATCHERS } from './matchers-v2.js';
import { V3_MATCHERS } from './matchers-v3.js';
import { doubleWildcardPenalty } from './host-expression.js';
import { MatcherNames, parseTree } from './parser.js';
import { matcherValues } from './tree.js';

// Domain extraction accepts the matcher names of both syntaxes, as Traefik's ParseDomains does.
const httpNames = new MatcherNames([...new Set([...Object.keys(V3_MATCHERS), ...Object.keys(V2_MATCHERS)])]);
const tcpNames = new MatcherNames(['HostSNI', 'HostSNIRegexp', 'ClientIP', 'ALPN']);

/**
 * Domains named by the positive (not negated) Host matchers of an HTTP rule, lower-cased, in rule
 * order; for TCP, by its HostSNI matchers. Arguments are not validated. Throws RuleError when the
 * rule does not parse.
 */
export function domainsFromRule(rule: string, protocol: 'http' | 'tcp' = 'http'): string[] {
  if (protocol === 'tcp') return matcherValues(parseTree(rule, tcpNames), ['HostSNI']);
  return matcherValues(parseTree(rule, httpNames), ['Host'], true);
}

/**
 * Traefik's default priority of an HTTP router: the rule's length in bytes, minus 2 for each
 * double-wildcard host (`**.example.com`) so it ranks below the hosts it covers.
 */
export function defaultPriority(rule: string): number {
  let priority = Buffer.byteLength(rule, 'utf8');
  let domains: string[];
  try {
    domains = domainsFromRule(rule);
  } catch {
    return priority;
  }
  for (const d of domains) priority -= doubleWildcardPenalty(d);
  return priority;
}

export interface Prioritized {
  priority: number;
  /** Provider the router comes from (the part after `@` in its name). */
  provider?: string;
}

/**
 * Comparator putting the router to try first first: higher priority, then, for equal priorities,
 * the provider listed first in `providersPrecedence` (unlisted providers last). Equal routers keep
 * their relative order (Array.prototype.sort is stable).
 */
export function compareRoutes(providersPrecedence: readonly string[] = []): (a: Prioritized, b: Prioritized) => number {
  const rank = (p: string | undefined) => {
    const i = p === undefined ? -1 : providersPrecedence.indexOf(p);
    return i < 0 ? providersPrecedence.length : i;
  };
  return (a, b) => b.priority - a.priority || rank(a.provider) - rank(b.provider);
}

/** Returns the routes sorted in the order they must be tried (see compareRoutes). */
export function sortRoutes<T extends Prioritized>(routes: readonly T[], providersPrecedence?: readonly string[]): T[] {
  return [...routes].sort(compareRoutes(providersPrecedence));
}
