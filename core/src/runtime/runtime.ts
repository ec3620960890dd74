import type { Handler } from '../http/exchange.js';
import type { ConfigIssue } from '../config/issues.js';
import type { DynamicModel, ElementStatus } from './model.js';
import type { CleanupList } from './element-context.js';

/** What the API reports for one router (Traefik's shape). */
export interface RouterInfo {
  name: string;
  provider: string;
  status: ElementStatus;
  rule: string;
  ruleSyntax?: string;
  priority: number;
  entryPoints: string[];
  middlewares?: string[];
  service: string;
  using: string[];
  error?: string[];
}

/** A route as the per-entrypoint table holds it: a compiled matcher and the composed handler. */
export interface Route {
  name: string;
  priority: number;
  /** Provider of the router: ties of priority go to the provider listed first in providers.precedence. */
  provider: string;
  match: (input: never) => boolean;
  handler: Handler;
  /** Rule text, for the API (internal routes). */
  rule?: string;
  /** Host index keys the rule is limited to (see rules/host-keys.ts); undefined = any host. */
  hosts?: string[];
}

/**
 * One generation of the running configuration: a request handler per entrypoint plus everything the API shows.
 * Built on the side from a DynamicModel, then swapped in with a single reference assignment.
 */
export interface Runtime {
  generation: number;
  /** Entrypoint name → the handler that routes its requests. */
  handlers: Map<string, Handler>;
  model: DynamicModel;
  routers: Map<string, RouterInfo>;
  /** Every issue found (decode + build), for logs and `portico validate`. */
  issues: ConfigIssue[];
  cleanups: CleanupList;
}
