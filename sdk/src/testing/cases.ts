import { describe, test } from 'node:test';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingHttpHeaders } from 'node:http';
import type { MiddlewarePlugin, Plugin } from '@portico/core';
import { ConfigError } from '@portico/core';
import { configErrorOf } from './build.js';
import { inject } from './inject.js';
import { loadCases, normalizeCases, type Case, type CasesDocument } from './cases-format.js';

export type { Case, CaseExpect, UpstreamExpect, CasesDocument } from './cases-format.js';
export { loadCases, normalizeCases } from './cases-format.js';

export interface RunCasesOptions {
  /** Which middleware of a plugin list (when it holds several). */
  type?: string;
  /** Title of the describe block; default the file name. */
  title?: string;
}

/**
 * Registers a `node:test` suite with one subtest per case of a `cases.yaml` file (a path, a `file:` URL, or
 * the parsed document), each named by its `name`. Every case builds the plugin from its `config` and injects
 * its request; a case with `expect.configError` checks the configuration is refused instead.
 */
export function runCases(source: string | URL | CasesDocument, plugin: MiddlewarePlugin<any, any> | readonly Plugin[], opts: RunCasesOptions = {}): void {
  const file = typeof source === 'string' ? source : source instanceof URL ? fileURLToPath(source) : undefined;
  const cases = file !== undefined ? loadCases(file) : normalizeCases(source as CasesDocument);
  const title = opts.title ?? (file !== undefined ? relative(process.cwd(), file) : 'cases');
  describe(title, () => {
    for (const c of cases) {
      test(c.name, { skip: c.skip }, async () => {
        const mismatches = await runCase(c, plugin, opts.type);
        if (mismatches.length > 0) throw new Error(`case "${c.name}":\n  ${mismatches.join('\n  ')}`);
      });
    }
  });
}

/** Runs one case; returns its mismatches as readable lines ([] when it passes). */
export async function runCase(c: Case, plugin: MiddlewarePlugin<any, any> | readonly Plugin[], type?: string): Promise<string[]> {
  const e = c.expect;
  const target = { plugin, type, config: c.config };
  if (e.configError !== undefined) {
    const err = await configErrorOf(target);
    if (err === undefined) return ['expected the configuration to be refused, it was accepted'];
    const want = typeof e.configError === 'string' ? { message: e.configError } : e.configError;
    const out: string[] = [];
    if (want.message !== undefined && !err.message.includes(want.message)) out.push(`configError: message ${JSON.stringify(err.message)} does not contain ${JSON.stringify(want.message)}`);
    if (want.path !== undefined && err.path !== want.path) out.push(`configError: path ${JSON.stringify(err.path)}, expected ${JSON.stringify(want.path)}`);
    return out;
  }
  let res;
  try {
    res = await inject(target, c.request ?? {}, { ...c.options, upstream: c.upstream });
  } catch (err) {
    if (err instanceof ConfigError) return [`the configuration was refused: ${err.path ? `${err.path}: ` : ''}${err.message}`];
    throw err;
  }
  const out: string[] = [];
  if (res.error !== undefined) out.push(`the chain threw (answered 500): ${(res.error as Error)?.stack ?? String(res.error)}`);
  if (e.status !== undefined && res.status !== e.status) out.push(`status ${res.status}, expected ${e.status} (body: ${JSON.stringify(res.text.slice(0, 200))})`);
  if (e.headers !== undefined) out.push(...compareHeaders('response header', res.headers, e.headers));
  if (e.body !== undefined && res.text !== e.body) out.push(`body ${JSON.stringify(res.text)}, expected ${JSON.stringify(e.body)}`);
  if (e.bodyContains !== undefined && !res.text.includes(e.bodyContains)) out.push(`body ${JSON.stringify(res.text)} does not contain ${JSON.stringify(e.bodyContains)}`);
  if (e.upstreamCalls !== undefined && res.upstreamCalls.length !== e.upstreamCalls) out.push(`${res.upstreamCalls.length} upstream calls, expected ${e.upstreamCalls}`);
  if (e.upstream === null && res.upstream !== undefined) out.push(`the upstream was called (${res.upstream.method} ${res.upstream.path}), expected no call`);
  if (e.upstream !== undefined && e.upstream !== null) {
    const u = res.upstream;
    if (u === undefined) out.push(`the upstream was not called (the chain answered ${res.status})`);
    else {
      const w = e.upstream;
      if (w.method !== undefined && u.method !== w.method) out.push(`upstream method ${u.method}, expected ${w.method}`);
      if (w.path !== undefined && u.path !== w.path) out.push(`upstream path ${JSON.stringify(u.path)}, expected ${JSON.stringify(w.path)}`);
      if (w.rawPath !== undefined && u.rawPath !== w.rawPath) out.push(`upstream rawPath ${JSON.stringify(u.rawPath)}, expected ${JSON.stringify(w.rawPath)}`);
      if (w.query !== undefined && u.query !== w.query) out.push(`upstream query ${JSON.stringify(u.query)}, expected ${JSON.stringify(w.query)}`);
      if (w.body !== undefined && u.body.toString('utf8') !== w.body) out.push(`upstream body ${JSON.stringify(u.body.toString('utf8'))}, expected ${JSON.stringify(w.body)}`);
      if (w.user !== undefined && u.user !== w.user) out.push(`upstream user ${JSON.stringify(u.user)}, expected ${JSON.stringify(w.user)}`);
      if (w.headers !== undefined) out.push(...compareHeaders('upstream header', u.headers, w.headers));
    }
  }
  return out;
}

/** Compares headers by lower-cased name: null = absent, a list = the repeated values, else the value as text. */
export function compareHeaders(what: string, actual: IncomingHttpHeaders, expected: Record<string, string | number | string[] | null>): string[] {
  const out: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name.toLowerCase()];
    if (want === null) {
      if (got !== undefined) out.push(`${what} ${name}: ${JSON.stringify(got)}, expected absent`);
      continue;
    }
    if (got === undefined) {
      out.push(`${what} ${name}: absent, expected ${JSON.stringify(want)}`);
      continue;
    }
    const same = Array.isArray(want)
      ? JSON.stringify(Array.isArray(got) ? got : got.split(/,\s*/)) === JSON.stringify(want.map(String))
      : (Array.isArray(got) ? got.join(', ') : got) === String(want);
    if (!same) out.push(`${what} ${name}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  return out;
}
