// Shared test helpers: build a RoutingInput from the request shape the conformance corpus uses.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { routingInput, type RoutingInput } from '../../src/rules/index.js';

export interface CorpusRequest {
  method?: string;
  url?: string;
  host?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string | string[]>;
  remoteAddr?: string;
  requestTarget?: string;
}

/** Go's httptest.NewRequest default remote address. */
const DEFAULT_REMOTE_ADDR = '192.0.2.1:1234';

/** The RoutingInput the proxy would build for this request (as Node would deliver it). */
export function inputFor(req: CorpusRequest): RoutingInput {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    const key = name.toLowerCase();
    (headers[key] ??= []).push(...(Array.isArray(value) ? value : [value]));
  }
  if (req.host !== undefined) headers.host = [req.host];
  const target = req.requestTarget ?? `${req.path ?? '/'}${req.query !== undefined ? `?${req.query}` : ''}`;
  const input = routingInput({
    method: req.method ?? 'GET',
    hostHeader: req.host,
    requestTarget: target,
    headers,
    remoteAddress: req.remoteAddr ?? DEFAULT_REMOTE_ADDR,
  });
  if (!input) throw new Error(`request target ${JSON.stringify(target)} would be rejected with 400`);
  return input;
}

/** Folder of the shared conformance JSON; fails loudly when it is missing. */
export function conformanceDir(): string {
  const repoRoot = process.env.PORTICO_REPO_ROOT ?? resolve(fileURLToPath(new URL('../../..', import.meta.url)));
  const shared = process.env.PORTICO_SHARED_DIR ?? resolve(repoRoot, '../shared');
  const dir = join(shared, 'conformance');
  if (!existsSync(dir)) {
    throw new Error(`conformance corpus not found at ${dir} (set PORTICO_SHARED_DIR to the folder holding conformance/)`);
  }
  return dir;
}
