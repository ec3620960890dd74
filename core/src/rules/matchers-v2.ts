// Matchers of the deprecated v2 rule syntax (Traefik's matcher_v2.go on top of gorilla/mux):
// several values per matcher (any may match), `{name:regexp}` templates in Host/Path/Query.
import { compileGoRegexp } from './go-regexp.js';
import { templateToGoRegexp, TemplateError, type TemplateKind } from './gorilla-template.js';
import { clientIpMatcher, headerLookup, isAscii, regexpArg, type Matcher, type MatcherBuilder } from './matchers-v3.js';
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

const anyOf = (tests: Matcher[]): Matcher => (tests.length === 1 ? tests[0]! : (input) => tests.some((t) => t(input)));

function host(values: string[]): Matcher {
  const hosts = values.map((h) => {
    if (!isAscii(h)) throw new Error(`invalid value ${JSON.stringify(h)} for "Host" matcher, non-ASCII characters are not allowed`);
    return h.toLowerCase();
  });
  return (input) => {
    const req = input.host;
    if (req === '') return false;
    const reqNoDot = req.endsWith('.') ? req.slice(0, -1) : undefined;
    for (const h of hosts) {
      if (req === h || (h.endsWith('.') && req === h.slice(0, -1)) || reqNoDot === h) return true;
    }
    return false;
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
      return vs !== undefined && vs.length > 0 && (value === '' || vs.includes(value));
    };
  });
  return (input) => tests.every((t) => t(input));
}

function headersRegexp(values: string[]): Matcher {
  const tests = pairs(values).map(([name, pattern]) => {
    const re = pattern === '' ? undefined : regexpArg('HeadersRegexp', pattern);
    const get = headerLookup(name);
    if (!get) return () => false;
    return (input: RoutingInput) => {
      const vs = get(input);
      return vs !== undefined && vs.length > 0 && (!re || vs.some((v) => re.test(v)));
    };
  });
  return (input) => tests.every((t) => t(input));
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
  return (input) => tests.every((t) => t(input));
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
