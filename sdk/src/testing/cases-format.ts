import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { InjectOptions, InjectRequest } from './inject.js';
import type { UpstreamAnswer } from './fake-upstream.js';

/**
 * The `cases.yaml` table format (documented in docs/plugins/testing.md). A file is a list of cases, or a map
 * `{defaults: {...}, cases: [...]}` whose defaults (config, request, upstream, options) every case starts from.
 *
 * ```yaml
 * - name: adds the prefix and keeps the query
 *   config: {prefix: /api}
 *   request: {method: GET, path: /users?page=2, headers: {X-Trace: abc}, body: ""}
 *   upstream: {status: 200, headers: {Content-Type: text/plain}, body: ok}
 *   expect:
 *     status: 200
 *     headers: {Content-Type: text/plain, X-Powered-By: null}   # null: the header is absent
 *     body: ok
 *     upstream: {path: /api/users?page=2, headers: {X-Trace: abc}}
 * - name: an empty prefix is refused
 *   config: {prefix: ""}
 *   expect: {configError: {message: cannot be empty, path: prefix}}
 * ```
 */
export interface Case {
  name: string;
  config?: unknown;
  request?: InjectRequest;
  upstream?: UpstreamAnswer;
  /** Entrypoint options for this case: clientIp, tls, forwardedHeaders, sanitizePath. */
  options?: Pick<InjectOptions, 'clientIp' | 'tls' | 'forwardedHeaders' | 'sanitizePath'>;
  /** Skip the case, with the reason (shown by the runner). */
  skip?: string;
  expect: CaseExpect;
}

export interface CaseExpect {
  status?: number;
  /** Header → expected value; null means the header must be absent. A list matches a repeated header. */
  headers?: Record<string, string | number | string[] | null>;
  /** Exact body text. */
  body?: string;
  /** Substring the body must contain. */
  bodyContains?: string;
  /** What the upstream received; `upstream: null` means it must not have been called. */
  upstream?: UpstreamExpect | null;
  /** Number of upstream calls (retries). */
  upstreamCalls?: number;
  /** The configuration must be refused: a substring of the message, or {message, path} (path: exact key path). */
  configError?: string | { message?: string; path?: string };
}

export interface UpstreamExpect {
  method?: string;
  /** Path and query as sent upstream (an empty path is sent as `/`). */
  path?: string;
  /** `ex.path` as the middlewares left it (escaped form, '' when everything was stripped). */
  rawPath?: string;
  /** Query string without `?` (null: no query). */
  query?: string | null;
  headers?: Record<string, string | number | string[] | null>;
  body?: string;
  user?: string;
}

/** Raw content of a cases file: a list of cases, or `{defaults, cases}`. */
export type CasesDocument = Case[] | { defaults?: Partial<Omit<Case, 'name' | 'expect'>>; cases: Case[] };

const CASE_KEYS = new Set(['name', 'config', 'request', 'upstream', 'options', 'skip', 'expect']);
const EXPECT_KEYS = new Set(['status', 'headers', 'body', 'bodyContains', 'upstream', 'upstreamCalls', 'configError']);
const UPSTREAM_EXPECT_KEYS = new Set(['method', 'path', 'rawPath', 'query', 'headers', 'body', 'user']);
const REQUEST_KEYS = new Set(['method', 'path', 'headers', 'body', 'basicAuth']);
const ANSWER_KEYS = new Set(['status', 'headers', 'body', 'delayMs', 'chunkDelayMs', 'fail']);

function unknownKeys(obj: unknown, known: Set<string>, where: string, out: string[]): void {
  if (obj === undefined || obj === null) return;
  if (typeof obj !== 'object' || Array.isArray(obj)) {
    out.push(`${where}: must be a map`);
    return;
  }
  for (const k of Object.keys(obj)) if (!known.has(k)) out.push(`${where}.${k}: unknown key (known: ${[...known].join(', ')})`);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges defaults into each case and checks the format strictly (a typo such as `expects:` is an error). */
export function normalizeCases(doc: unknown, source = 'cases'): Case[] {
  const list = Array.isArray(doc) ? doc : isMap(doc) && Array.isArray(doc.cases) ? doc.cases : undefined;
  if (list === undefined) throw new Error(`${source}: expected a list of cases or a map {defaults, cases}`);
  const defaults = isMap(doc) && isMap(doc.defaults) ? doc.defaults : {};
  const problems: string[] = [];
  if (isMap(doc)) unknownKeys(doc, new Set(['defaults', 'cases']), source, problems);
  unknownKeys(defaults, new Set(['config', 'request', 'upstream', 'options']), `${source}.defaults`, problems);
  const cases = list.map((raw: unknown, i: number) => {
    const where = `${source}[${i}]`;
    if (!isMap(raw)) {
      problems.push(`${where}: a case is a map`);
      return undefined;
    }
    const label = typeof raw.name === 'string' ? `${where} (${raw.name})` : where;
    unknownKeys(raw, CASE_KEYS, label, problems);
    if (typeof raw.name !== 'string' || raw.name === '') problems.push(`${where}.name: required, the description of the case`);
    if (!isMap(raw.expect)) problems.push(`${label}.expect: required, a map`);
    unknownKeys(raw.expect, EXPECT_KEYS, `${label}.expect`, problems);
    if (isMap(raw.expect) && isMap(raw.expect.upstream)) unknownKeys(raw.expect.upstream, UPSTREAM_EXPECT_KEYS, `${label}.expect.upstream`, problems);
    unknownKeys(raw.request, REQUEST_KEYS, `${label}.request`, problems);
    unknownKeys(raw.upstream, ANSWER_KEYS, `${label}.upstream`, problems);
    return {
      ...raw,
      // Defaults merge one level deep: a case's request headers add to the default headers.
      config: raw.config !== undefined ? raw.config : defaults.config,
      request: mergeMaps(defaults.request, raw.request, ['headers']),
      upstream: mergeMaps(defaults.upstream, raw.upstream, ['headers']),
      options: mergeMaps(defaults.options, raw.options, []),
    } as Case;
  });
  if (problems.length > 0) throw new Error(`${source}: invalid cases:\n  ${problems.join('\n  ')}`);
  const seen = new Set<string>();
  for (const c of cases as Case[]) {
    if (seen.has(c.name)) throw new Error(`${source}: two cases are named "${c.name}"`);
    seen.add(c.name);
  }
  return cases as Case[];
}

function mergeMaps(base: unknown, over: unknown, deep: string[]): any {
  if (!isMap(base)) return over;
  if (!isMap(over)) return base;
  const out: Record<string, unknown> = { ...base, ...over };
  for (const k of deep) if (isMap(base[k]) && isMap(over[k])) out[k] = { ...base[k], ...over[k] };
  return out;
}

/** Reads and checks a cases file (YAML, so JSON too). */
export function loadCases(file: string | URL): Case[] {
  const text = readFileSync(file, 'utf8');
  return normalizeCases(parse(text), typeof file === 'string' ? file : file.pathname);
}
