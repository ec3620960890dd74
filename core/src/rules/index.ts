/**
 * Traefik's HTTP rule language (v3, and the deprecated v2 syntax), as a pure module: no I/O,
 * rules compiled to closures at config time.
 *
 * Config time:
 * - `compileRule(rule, syntax?)` → `Matcher`, a closure `(input) => boolean`; throws `RuleError`
 *   (unknown matcher, wrong argument count, empty argument, bad regexp/IP/path, syntax error), whose
 *   message says what is wrong and at which column.
 * - `parseRule(rule, syntax?)` → the tree (`RuleNode`), negations pushed down like Traefik's.
 * - `defaultPriority(rule)` → Traefik's default router priority (rule length in bytes, minus 2 per
 *   `**.` double-wildcard host); `sortRoutes` / `compareRoutes` order routers (priority descending,
 *   then `providers.precedence` order, otherwise stable).
 * - `domainsFromRule(rule, 'http' | 'tcp')` → domains for TLS/ACME (positive Host / HostSNI values).
 *
 * Per request:
 * - `routingInput(raw)` builds the `RoutingInput` once (routing path, canonical host, client IP);
 *   it returns undefined when Go would answer 400 (malformed percent-encoding in the path).
 * - `matcher(input)`.
 *
 * Semantics follow Traefik (pkg/rules/parser.go, pkg/muxer/http/matcher.go, matcher_v2.go, mux.go):
 * matcher names as written, lower, UPPER or Title case; Go string literals; Go regexps (translated,
 * unanchored unless the pattern anchors); Path* matched against the path decoded except reserved
 * characters; Host case-insensitive, port and trailing dot ignored, `*.example.com`, `**.example.com`
 * and `*` wildcards (v3); ClientIP against the socket address only.
 */
export { RuleError } from './errors.js';
export { compileRule, parseRule, type RuleSyntax } from './compile.js';
export type { Matcher } from './matchers-v3.js';
export type { MatcherNode, OperatorNode, RuleNode } from './tree.js';
export { matcherValues, checkArguments } from './tree.js';
export { MatcherNames, parseTree } from './parser.js';
export { routingInput, routingPath, canonicalHost, parseQuery, type RawRequest, type RoutingInput } from './request.js';
export { defaultPriority, domainsFromRule, compareRoutes, sortRoutes, type Prioritized } from './priority.js';
export { domainMatchesHostExpression, doubleWildcardPenalty } from './host-expression.js';
// Building blocks other rule languages (TCP HostSNI/ALPN, middlewares) reuse.
export { compileGoRegexp, translateGoRegexp, GoRegexpError } from './go-regexp.js';
export { IpChecker, parseIp, parseCidr, parseIPv4, parseIPv6, isMappedV4, remoteAddrIp, splitHostPort } from './ip.js';
export { hostIndexKeys, hostKey } from './host-keys.js';
