// Matchers of the deprecated v2 rule syntax (Traefik's matcher_v2.go on top of gorilla/mux):
// several values per matcher (any may match), `{name:regexp}` templates in Host/Path/Query.
import { compileGoRegexp } from './go-regexp.js';
import { templateToGoRegexp, TemplateError, type TemplateKind } from './gorilla-template.js';
import { clientIpMatcher, headerLookup, headerValue, isAscii, regexpArg, someEquals, someMatch, type Matcher, type MatcherBuilder } from './matchers-v3.js';
import { firstQueryValue, type RoutingInput } from './request.js';

function templateRegexp(tpl: string, kind: TemplateKind): { re: RegExp; source: string } {
  try {
    const { source, variablePatterns } = templateToGoRegexp(tpl, kind);
    for (const p of variablePatterns) compileGoRegexp(p);
    return { re: compileGoRegexp(source), source };
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw new Error(`template ${JSON.stringify(tpl)}: ${(err as Error).message}`);
  }
}

function anyOf(tests: Matcher[]): Matcher {
  if (tests.length === 1) return tests[0]!;
  return (input) => {
    for (let k = 0; k < tests.length; k++) if (tests[k]!(input)) return true;
    return false;
  };
}

function allOf(tests: Matcher[]): Matcher {
  if (tests.length === 1) return tests[0]!;
  return (input) => {
    for (let k = 0; k < tests.length; k++) if (!tests[k]!(input)) return false;
    return true;
  };
}

function host(values: string[]): Matcher {
  // Each host is accepted as written and, when it ends with a dot, without it.
  const accepted = new Set<string>();
  for (const h of values) {
    if (!isAscii(h)) throw new Error(`invalid value ${JSON.stringify(h)} for "Host" matcher, non-ASCII characters are not allowed`);
    const lower = h.toLowerCase();
    accepted.add(lower);
    if (lower.endsWith('.')) accepted.add(lower.slice(0, -1));
  }
  const hosts = values.map((h) => h.toLowerCase());
  return (input) => {
    const req = input.host;
    if (req === '') return false;
    if (accepted.has(req)) return true;
    // A trailing dot on the request is ignored (only against the hosts as written, like Traefik).
    return req.endsWith('.') && hosts.includes(req.slice(0, -1));
  };
}

function hostRegexp(values: string[]): Matcher {
  return anyOf(
    values.map((tpl) => {
      if (!isAscii(tpl)) throw new Error(`invalid value ${JSON.stringify(tpl)} for HostRegexp matcher, non-ASCII characters are not allowed`);
      const { re, source } = templateRegexp(tpl, 'host');
      // gorilla ignores the request's port unless the pattern mentions one.
      if (source.includes(':')) return (input: RoutingInput) => re.test(input.rawHost);
      return (input: RoutingInput) => {
        const h = input.rawHost;
        const colon = h.indexOf(':');
        return re.test(colon < 0 ? h : h.slice(0, colon));
      };
    }),
  );
}

function pathTemplates(kind: 'path' | 'prefix') {
  return (values: string[]): Matcher =>
    anyOf(
      values.map((tpl) => {
        if (!tpl.startsWith('/')) throw new Error(`mux: path must start with a slash, got ${JSON.stringify(tpl)}`);
        const { re } = templateRegexp(tpl, kind);
        return (input: RoutingInput) => re.test(input.path);
      }),
    );
}

function pairs(values: string[]): [string, string][] {
  if (values.length % 2 !== 0) {
    throw new Error(`mux: number of parameters must be multiple of 2, got [${values.join(' ')}]`);
  }
  // gorilla keeps pairs in a map keyed by the name as written: a repeated name keeps the last value.
  const byKey = new Map<string, [string, string]>();
  for (let k = 0; k < values.length; k += 2) byKey.set(values[k]!, [values[k]!, values[k + 1]!]);
  return [...byKey.values()];
}

function headers(values: string[]): Matcher {
  const tests = pairs(values).map(([name, value]) => {
    const get = headerLookup(name);
    if (!get) return () => false;
    return (input: RoutingInput) => {
      const vs = get(input);
      return vs !== undefined && vs.length > 0 && (value === '' || someEquals(vs, value, headerValue));
    };
  });
  return allOf(tests);
}

function headersRegexp(values: string[]): Matcher {
  const tests = pairs(values).map(([name, pattern]) => {
    const re = pattern === '' ? undefined : regexpArg('HeadersRegexp', pattern);
    const get = headerLookup(name);
    if (!get) return () => false;
    return (input: RoutingInput) => {
      const vs = get(input);
      return vs !== undefined && vs.length > 0 && (!re || someMatch(vs, re, headerValue));
    };
  });
  return allOf(tests);
}

function query(values: string[]): Matcher {
  // Each argument is `key=value`; gorilla then takes the flattened list as key/value pairs.
  const flat = values.flatMap((v) => {
    const eq = v.indexOf('=');
    return eq < 0 ? [v] : [v.slice(0, eq), v.slice(eq + 1)];
  });
  if (flat.length % 2 !== 0) throw new Error(`mux: number of parameters must be multiple of 2, got [${flat.join(' ')}]`);
  const tests: Matcher[] = [];
  for (let k = 0; k < flat.length; k += 2) {
    const tpl = `${flat[k]}=${flat[k + 1]}`;
    const { re } = templateRegexp(tpl, 'query');
    const key = tpl.slice(0, tpl.indexOf('='));
    tests.push((input) => {
      const v = firstQueryValue(input.rawQuery, key);
      return re.test(v === undefined ? '' : `${key}=${v}`);
    });
  }
  return allOf(tests);
}

const upper = (values: string[]) => values.map((v) => v.toUpperCase());

export const V2_MATCHERS: Record<string, { counts?: number[]; build: MatcherBuilder }> = {
  Host: { build: host },
  HostHeader: { build: host },
  HostRegexp: { build: hostRegexp },
  ClientIP: { build: clientIpMatcher },
  Path: { build: pathTemplates('path') },
  PathPrefix: { build: pathTemplates('prefix') },
  Method: {
    build: (v) => {
      const methods = upper(v);
      return (input) => methods.includes(input.method);
    },
  },
  Headers: { build: headers },
  HeadersRegexp: { build: headersRegexp },
  Query: { build: query },
};
