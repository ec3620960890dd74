// Which exact hosts a rule can match at most, so the router can index routes by host: a request for
// `a.example.com` then only tries the routes of that host plus those without a host constraint, and
// 10,000 host routers cost what 10 do. The index only narrows; the compiled matcher still decides.
import type { RuleNode } from './tree.js';
import { parseRule, type RuleSyntax } from './compile.js';

/** Index key of a host: lower-cased, trailing dots dropped (Host() ignores a trailing dot on either side). */
export function hostKey(host: string): string {
  let end = host.length;
  while (end > 0 && host.charCodeAt(end - 1) === 46) end--;
  return (end === host.length ? host : host.slice(0, end)).toLowerCase();
}

function keysOf(node: RuleNode): Set<string> | undefined {
  if (node.type === 'matcher') {
    if (node.matcher !== 'Host' || node.not || node.values.length !== 1) return undefined;
    const value = node.values[0];
    // Wildcards (`*.example.com`, `*`) match families of hosts: no exact key.
    if (value.includes('*') || value === '') return undefined;
    return new Set([hostKey(value)]);
  }
  const left = keysOf(node.left);
  const right = keysOf(node.right);
  if (node.type === 'and') {
    if (left === undefined) return right;
    if (right === undefined) return left;
    return new Set([...left].filter((k) => right.has(k)));
  }
  // or: constrained only when both sides are.
  if (left === undefined || right === undefined) return undefined;
  return new Set([...left, ...right]);
}

/**
 * The hosts (index keys) outside which the rule cannot match, or undefined when it may match any host.
 * Only v3 `Host` matchers with one literal value constrain; v2 rules are never indexed.
 */
export function hostIndexKeys(rule: string, syntax: RuleSyntax = 'v3'): string[] | undefined {
  if (syntax !== 'v3') return undefined;
  const keys = keysOf(parseRule(rule, syntax));
  return keys === undefined ? undefined : [...keys];
}
