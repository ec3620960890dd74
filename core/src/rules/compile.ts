// From rule text to one closure: parse with the syntax's matcher names, then build each matcher
// (checking arguments the way Traefik's addRule does) and combine them with && / || / !.
import { RuleError } from './errors.js';
import { V2_MATCHERS } from './matchers-v2.js';
import { V3_MATCHERS, type Matcher } from './matchers-v3.js';
import { MatcherNames, parseTree } from './parser.js';
import { checkArguments, type RuleNode } from './tree.js';

export type RuleSyntax = 'v3' | 'v2';

interface SyntaxDef {
  matchers: Record<string, { counts?: number[]; build: (values: string[]) => Matcher }>;
  names: MatcherNames;
  hint: (written: string) => string | undefined;
}

const v3Names = new MatcherNames(Object.keys(V3_MATCHERS));
const v2Names = new MatcherNames(Object.keys(V2_MATCHERS));

const SYNTAXES: Record<RuleSyntax, SyntaxDef> = {
  v3: {
    matchers: V3_MATCHERS,
    names: v3Names,
    hint: (w) => {
      const v2 = v2Names.resolve(w);
      if (v2 === 'Headers') return 'Headers is v2 syntax: use Header(`name`, `value`), or set ruleSyntax: v2';
      if (v2 === 'HeadersRegexp') return 'HeadersRegexp is v2 syntax: use HeaderRegexp(`name`, `regexp`), or set ruleSyntax: v2';
      if (v2 === 'HostHeader') return 'HostHeader is v2 syntax: use Host(`domain`), or set ruleSyntax: v2';
      return `known matchers: ${v3Names.canonical.join(', ')}`;
    },
  },
  v2: {
    matchers: V2_MATCHERS,
    names: v2Names,
    hint: (w) => {
      const v3 = v3Names.resolve(w);
      if (v3) return `${v3} exists only in the v3 rule syntax`;
      return `known v2 matchers: ${v2Names.canonical.join(', ')}`;
    },
  },
};

function syntaxDef(syntax: RuleSyntax | undefined): SyntaxDef {
  // Traefik falls back to v3 for an unknown syntax value; the config layer validates the value.
  return syntax === 'v2' ? SYNTAXES.v2 : SYNTAXES.v3;
}

/** Parses a rule of the given syntax into its tree (negations pushed down to matchers). */
export function parseRule(rule: string, syntax?: RuleSyntax): RuleNode {
  const def = syntaxDef(syntax);
  return parseTree(rule, def.names, def.hint);
}

const expectedCount = (counts: number[]) => `${counts.join(' or ')} argument${counts.length === 1 && counts[0] === 1 ? '' : 's'}`;

function buildNode(rule: string, node: RuleNode, def: SyntaxDef): Matcher {
  if (node.type !== 'matcher') {
    const left = buildNode(rule, node.left, def);
    const right = buildNode(rule, node.right, def);
    return node.type === 'and' ? (input) => left(input) && right(input) : (input) => left(input) || right(input);
  }
  const argError = checkArguments(node);
  if (argError) throw new RuleError(rule, argError, node.pos);
  const spec = def.matchers[node.matcher]!;
  if (spec.counts && !spec.counts.includes(node.values.length)) {
    throw new RuleError(rule, `${node.matcher} takes ${expectedCount(spec.counts)}, got ${node.values.length}`, node.pos);
  }
  let m: Matcher;
  try {
    m = spec.build(node.values);
  } catch (err) {
    throw new RuleError(rule, (err as Error).message, node.pos);
  }
  return node.not ? (input) => !m(input) : m;
}

/** Compiles a rule into a matcher closure. Throws RuleError saying what is wrong and where. */
export function compileRule(rule: string, syntax?: RuleSyntax): Matcher {
  const def = syntaxDef(syntax);
  return buildNode(rule, parseTree(rule, def.names, def.hint), def);
}
