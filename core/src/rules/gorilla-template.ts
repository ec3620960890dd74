// gorilla/mux route templates, as used by Traefik's deprecated v2 rule syntax:
// `/css/{name:[a-z]+}`, `{subdomain:[a-z]+}.example.com`, `foo={id:[0-9]+}`.
// Literal parts are quoted, `{name:pattern}` parts become Go regexp groups; the result is a Go
// regexp (translated to JS afterwards).

export type TemplateKind = 'path' | 'prefix' | 'host' | 'query';

export class TemplateError extends Error {}

/** Offsets of top-level `{` ... `}` pairs (gorilla's braceIndices). */
function braceIndices(tpl: string): number[] {
  let level = 0;
  let idx = 0;
  const idxs: number[] = [];
  for (let i = 0; i < tpl.length; i++) {
    if (tpl[i] === '{') {
      if (++level === 1) idx = i;
    } else if (tpl[i] === '}') {
      if (--level === 0) idxs.push(idx, i + 1);
      else if (level < 0) throw new TemplateError(`mux: unbalanced braces in ${JSON.stringify(tpl)}`);
    }
  }
  if (level !== 0) throw new TemplateError(`mux: unbalanced braces in ${JSON.stringify(tpl)}`);
  return idxs;
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export interface TemplateRegexp {
  /** The Go regexp source (gorilla adds `(?i)` for hosts and anchors). */
  source: string;
  /** Each variable's own pattern, which gorilla also compiles (errors surface at config time). */
  variablePatterns: string[];
}

/** Builds the Go regexp gorilla/mux derives from a template (newRouteRegexp, strictSlash off). */
export function templateToGoRegexp(tpl: string, kind: TemplateKind): TemplateRegexp {
  const idxs = braceIndices(tpl);
  const defaultPattern = kind === 'query' ? '.*' : kind === 'host' ? '[^.]+' : '[^/]+';
  let pattern = kind === 'host' ? '(?i)^' : '^';
  const variablePatterns: string[] = [];
  let end = 0;
  for (let k = 0; k < idxs.length; k += 2) {
    const raw = tpl.slice(end, idxs[k]);
    end = idxs[k + 1]!;
    const inner = tpl.slice(idxs[k]! + 1, end - 1);
    const colon = inner.indexOf(':');
    const name = colon < 0 ? inner : inner.slice(0, colon);
    const patt = colon < 0 ? defaultPattern : inner.slice(colon + 1);
    if (name === '' || patt === '') {
      throw new TemplateError(`mux: missing name or pattern in ${JSON.stringify(tpl.slice(idxs[k], end))}`);
    }
    pattern += `${quoteMeta(raw)}(?P<v${k / 2}>${patt})`;
    variablePatterns.push(`^${patt}$`);
  }
  pattern += quoteMeta(tpl.slice(end));
  if (kind === 'query' && tpl.slice(tpl.indexOf('=') + 1) === '') pattern += defaultPattern;
  if (kind !== 'prefix') pattern += '$';
  return { source: pattern, variablePatterns };
}
