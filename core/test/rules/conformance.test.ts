// Runs every case of the shared Traefik conformance corpus (rules.json, priority.json,
// rule-extras.json) in-process through the rules API, and prints the pass count per file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  canonicalHost,
  checkArguments,
  compileRule,
  defaultPriority,
  domainsFromRule,
  matcherValues,
  MatcherNames,
  parseTree,
  routingInput,
  routingPath,
  RuleError,
  sortRoutes,
  type RuleNode,
} from '../../src/rules/index.js';
import { conformanceDir, inputFor, type CorpusRequest } from './helpers.js';

const dir = conformanceDir();
const load = <T>(file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;

/**
 * Cases that cannot hold in this implementation, with the reason. Empty: every case of the sample
 * passes. (A case listed here is skipped and reported, never silently dropped.)
 */
const KNOWN_IMPOSSIBLE: Record<string, string> = {};

function tally(file: string) {
  let passed = 0;
  let total = 0;
  after(() => console.log(`conformance ${file}: ${passed}/${total} passed`));
  return (id: string, desc: string, body: () => void) => {
    total++;
    const reason = KNOWN_IMPOSSIBLE[id];
    test(`${id}: ${desc}`, reason ? { skip: reason } : {}, () => {
      body();
      passed++;
    });
  };
}

interface RuleCase {
  id: string;
  desc: string;
  rule: string;
  ruleSyntax?: 'v2' | 'v3';
  request?: CorpusRequest;
  expectMatch?: boolean;
  expectError?: boolean;
}

describe('conformance: rules.json', () => {
  const run = tally('rules.json');
  for (const c of load<RuleCase[]>('rules.json')) {
    run(c.id, c.desc, () => {
      if (c.expectError) {
        assert.throws(() => compileRule(c.rule, c.ruleSyntax), RuleError, `rule ${c.rule} must be rejected`);
        return;
      }
      const matcher = compileRule(c.rule, c.ruleSyntax);
      assert.equal(matcher(inputFor(c.request!)), c.expectMatch, `rule ${c.rule} on ${JSON.stringify(c.request)}`);
    });
  }
});

interface PriorityCase {
  id: string;
  desc: string;
  kind?: 'defaultPriority';
  rule?: string;
  expectPriority?: number;
  routers?: { name: string; rule: string; priority?: number; provider?: string }[];
  request?: CorpusRequest;
  expectRouter?: string;
  providersPrecedence?: string[];
}

describe('conformance: priority.json', () => {
  const run = tally('priority.json');
  for (const c of load<PriorityCase[]>('priority.json')) {
    run(c.id, c.desc, () => {
      if (c.kind === 'defaultPriority') {
        assert.equal(defaultPriority(c.rule!), c.expectPriority);
        return;
      }
      const routes = c.routers!.map((r) => ({
        name: r.name,
        priority: r.priority ?? defaultPriority(r.rule),
        provider: r.provider,
        match: compileRule(r.rule),
      }));
      const input = inputFor(c.request!);
      const winner = sortRoutes(routes, c.providersPrecedence).find((r) => r.match(input));
      assert.equal(winner?.name, c.expectRouter);
    });
  }
});

interface Extras {
  ruleParser: {
    id: string; desc: string; knownMatchers: string[]; rule: string; expectParseError?: boolean;
    expectTree?: unknown; parseMatchers?: string[] | null; expectParseMatchersValues?: string[] | null;
  }[];
  requestHost: { id: string; desc: string; hostHeader?: string; url?: string; expectHost: string }[];
  domains: { id: string; desc: string; protocol: 'http' | 'tcp'; rule: string; expectError?: boolean; expectDomains: string[] | null }[];
  routingPath: { id: string; desc: string; rawPath: string; expectRoutingPath: string }[];
}

/** Traefik's rules.Tree as the corpus writes it, plus the CheckRule outcome of the root. */
function traefikTree(node: RuleNode): unknown {
  if (node.type === 'matcher') {
    return { matcher: node.matcher, not: node.not, value: node.values, checkError: checkArguments(node) !== undefined };
  }
  return { matcher: node.type, not: false, value: null, checkError: true, left: traefikTree(node.left), right: traefikTree(node.right) };
}

describe('conformance: rule-extras.json', () => {
  const run = tally('rule-extras.json');
  const extras = load<Extras>('rule-extras.json');
  for (const c of extras.ruleParser) {
    run(c.id, c.desc, () => {
      const names = new MatcherNames(c.knownMatchers);
      if (c.expectParseError) {
        assert.throws(() => parseTree(c.rule, names), RuleError);
        return;
      }
      const tree = parseTree(c.rule, names);
      assert.deepEqual(traefikTree(tree), c.expectTree);
      if (c.parseMatchers) assert.deepEqual(matcherValues(tree, c.parseMatchers), c.expectParseMatchersValues ?? []);
    });
  }
  for (const c of extras.requestHost) {
    run(c.id, c.desc, () => {
      if (c.hostHeader !== undefined) {
        assert.equal(canonicalHost(c.hostHeader), c.expectHost);
        return;
      }
      const input = routingInput({ method: 'GET', hostHeader: undefined, requestTarget: c.url!, headers: {}, remoteAddress: '' });
      assert.equal(input?.host, c.expectHost);
    });
  }
  for (const c of extras.domains) {
    run(c.id, c.desc, () => {
      if (c.expectError) {
        assert.throws(() => domainsFromRule(c.rule, c.protocol), RuleError);
        return;
      }
      assert.deepEqual(domainsFromRule(c.rule, c.protocol), c.expectDomains ?? []);
    });
  }
  for (const c of extras.routingPath) {
    run(c.id, c.desc, () => assert.equal(routingPath(c.rawPath), c.expectRoutingPath));
  }
});
