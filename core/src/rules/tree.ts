// The parse tree of a rule, shaped like Traefik's `rules.Tree`: negations are pushed down to the
// matchers with De Morgan's laws at parse time, so a tree only holds `and`, `or` and matchers that
// may carry `not`.

export interface MatcherNode {
  type: 'matcher';
  /** Canonical matcher name (`PathPrefix` for `pathprefix(...)`). */
  matcher: string;
  /** The name as written in the rule. */
  written: string;
  not: boolean;
  values: string[];
  /** Offset of the matcher name in the rule. */
  pos: number;
}

export interface OperatorNode {
  type: 'and' | 'or';
  left: RuleNode;
  right: RuleNode;
  pos: number;
}

export type RuleNode = MatcherNode | OperatorNode;

/** Negates a tree the way Traefik does (De Morgan), in place, and returns it. */
export function invert(node: RuleNode): RuleNode {
  if (node.type === 'matcher') {
    node.not = !node.not;
    return node;
  }
  node.type = node.type === 'and' ? 'or' : 'and';
  invert(node.left);
  invert(node.right);
  return node;
}

/**
 * Values of the matchers named in `names`, lower-cased, in rule order (Traefik's `ParseMatchers`).
 * With `positiveOnly`, negated matchers are skipped (Traefik's `ParsePositiveMatchers`).
 */
export function matcherValues(node: RuleNode, names: readonly string[], positiveOnly = false): string[] {
  if (node.type !== 'matcher') {
    return [...matcherValues(node.left, names, positiveOnly), ...matcherValues(node.right, names, positiveOnly)];
  }
  if (positiveOnly && node.not) return [];
  return names.includes(node.matcher) ? node.values.map((v) => v.toLowerCase()) : [];
}

/** Traefik's `CheckRule`: a matcher needs at least one argument and no empty one. */
export function checkArguments(node: MatcherNode): string | undefined {
  if (node.values.length === 0) return `${node.matcher} needs at least one argument`;
  const empty = node.values.findIndex((v) => v.length === 0);
  if (empty >= 0) return `${node.matcher}: argument #${empty + 1} is empty`;
  return undefined;
}
