// Host expressions of the v3 Host matcher: exact hosts, `*.example.com` (exactly one label),
// `**.example.com` (one or more labels) and `*` (any host). Traefik's muxer.DomainMatchHostExpression.

/** Builds a test for lower-cased domains against a lower-cased host expression. */
export function hostExpressionTest(expr: string): (domain: string) => boolean {
  if (expr === '*') return () => true;
  if (expr.startsWith('**.')) {
    const suffix = expr.slice(2); // ".example.com"
    return (d) => d.length > suffix.length && d.endsWith(suffix);
  }
  if (expr.startsWith('*')) {
    // The first label of the domain (possibly empty) stands for the star.
    const rest = expr.slice(1);
    return (d) => {
      const dot = d.indexOf('.');
      return dot >= 0 && d.length - dot === rest.length && d.endsWith(rest);
    };
  }
  return (d) => d === expr;
}

/** Whether a domain matches a host expression, case-insensitively (for TLS certificate selection). */
export function domainMatchesHostExpression(domain: string, expr: string): boolean {
  return hostExpressionTest(expr.toLowerCase())(domain.toLowerCase());
}

/**
 * What a double-wildcard host costs a rule's default priority: its two stars do not count, so that
 * `**.example.com` ranks below the single-label wildcard and the exact hosts it covers.
 */
export function doubleWildcardPenalty(hostExpr: string): number {
  return hostExpr.startsWith('**.') ? 2 : 0;
}
