/**
 * The Traefik conformance corpus (shared/conformance/*.json): where it lives and the shapes of its cases, as
 * documented in its README. Only the fields the runner reads are typed; the rest passes through untouched.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../helpers/portico-process.js';

/** A request as the corpus describes it (rules.json, priority.json, middlewares.json). */
export interface CaseRequest {
  method?: string;
  url?: string;
  /** Raw Host header (port and brackets included); absent = the test sent none. */
  host?: string;
  /** Raw (escaped) path as sent. */
  path?: string;
  /** Raw query string, without `?`. */
  query?: string;
  /** Header lines in order; an array value means repeated lines. */
  headers?: Record<string, string | string[]>;
  remoteAddr?: string;
  /** Absolute-form request-target to send instead of path+query. */
  requestTarget?: string;
  /** Exact bytes to send (wins over everything else). */
  rawRequest?: string;
  body?: string;
  tls?: unknown;
  basicAuth?: { username: string; password: string };
  digestAuth?: unknown;
  [key: string]: unknown;
}

export interface RuleCase {
  id: string;
  desc: string;
  source?: string;
  rule: string;
  ruleSyntax?: 'v2' | 'v3';
  request?: CaseRequest;
  expectMatch?: boolean;
  expectError?: boolean;
  note?: string;
}

export interface PriorityRouter {
  name: string;
  rule: string;
  priority?: number;
  provider?: string;
}

export interface PriorityCase {
  id: string;
  desc: string;
  kind?: 'defaultPriority';
  routers?: PriorityRouter[];
  request?: CaseRequest;
  expectRouter?: string;
  providersPrecedence?: string[];
  rule?: string;
  expectPriority?: number;
}

export interface MiddlewareBackend {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string;
  /** retry: per attempt, `network-error` or the status (as a string) the backend answers. */
  attemptSequence?: string[];
  delayPerAttempt?: string;
  [key: string]: unknown;
}

export interface MiddlewareCase {
  id: string;
  desc: string;
  middleware: string;
  source?: string;
  config: Record<string, unknown>;
  request: CaseRequest | null;
  backend?: MiddlewareBackend | null;
  expect: Record<string, unknown>;
  component?: string;
  usersFileContent?: string;
  authServer?: unknown;
  errorService?: unknown;
  note?: string;
  [key: string]: unknown;
}

/** `$PORTICO_SHARED_DIR/conformance`, default `<repo>/../shared/conformance`; throws when it is missing. */
export function conformanceDir(): string {
  const shared = process.env.PORTICO_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');
  const dir = join(shared, 'conformance');
  if (!existsSync(dir)) {
    throw new Error(
      `conformance corpus not found at ${dir}: set PORTICO_SHARED_DIR to the folder holding conformance/*.json`,
    );
  }
  return dir;
}

export function loadCases<T>(file: string, dir: string = conformanceDir()): T[] {
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`conformance file missing: ${path}`);
  const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${path}: expected a JSON array of cases`);
  return data as T[];
}
