import { ConfigError } from '@portico/core';
import type { ElementContext, Handler, MiddlewareFactory } from '@portico/core';

/** One line a plugin logged through its element logger. */
export interface LogEntry {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** The message and any objects logged, as text. */
  message: string;
}

/** The ElementContext the test kit hands to plugins, with what the kernel would do made observable. */
export interface TestContext extends ElementContext {
  /** Everything logged, in order. */
  readonly logs: LogEntry[];
  /** Messages logged at warn level (deprecations, ignored options). */
  readonly warnings: string[];
  /** Runs (once, last registered first) the functions registered with onCleanup, as the kernel does when the element is discarded. */
  runCleanups(): Promise<void>;
  /** Number of cleanup functions registered and not yet run. */
  readonly pendingCleanups: number;
}

export interface TestContextOptions {
  /** Qualified element name; default `test@test`. */
  element?: string;
  /**
   * Backing store of `state()`. Pass the same map to two contexts to simulate a configuration reload: state
   * survives, as the kernel guarantees for an element that keeps existing.
   */
  store?: Map<string, unknown>;
  /**
   * Services `ctx.service(name)` resolves to (keys as written in the config, or qualified `name@provider`).
   * Without this option every name resolves to a stand-in that answers 200 `stand-in service <name>`, so a
   * plugin that references a service (errors) builds in the contract test; with it, an unknown name is the
   * ConfigError the kernel would raise.
   */
  services?: Record<string, Handler>;
  /** Middlewares `ctx.middleware(name)` resolves to; an unknown name is a ConfigError. */
  middlewares?: Record<string, MiddlewareFactory>;
}

/** The stand-in service of contexts created without `services`. */
export function standInService(name: string): Handler {
  return (ex) => ex.respond(200, `stand-in service ${name}`);
}

function resolver<T>(kind: string, table: Record<string, T> | undefined, provider: string, fallback?: (name: string) => T) {
  return (name: string, path = ''): T => {
    if (table === undefined && fallback !== undefined) return fallback(name);
    const found = table?.[name] ?? table?.[name.includes('@') ? name.slice(0, name.lastIndexOf('@')) : `${name}@${provider}`];
    if (found === undefined) throw new ConfigError(`${kind} "${name.includes('@') ? name : `${name}@${provider}`}" does not exist`, path);
    return found;
  };
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

function text(args: unknown[]): string {
  return args
    .map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : safeJson(a)))
    .join(' ');
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (x instanceof Error ? x.message : typeof x === 'bigint' ? String(x) : x));
  } catch {
    return String(v);
  }
}

/** A recording ElementContext: logs kept in memory, state in a map, cleanups run on demand. */
export function createTestContext(opts: TestContextOptions = {}): TestContext {
  const store = opts.store ?? new Map<string, unknown>();
  const logs: LogEntry[] = [];
  const warnings: string[] = [];
  const cleanups: Array<() => void | Promise<void>> = [];
  const log: Record<string, unknown> = { level: 'trace' };
  for (const level of LEVELS) {
    log[level] = (...args: unknown[]) => {
      const message = text(args);
      logs.push({ level, message });
      if (level === 'warn') warnings.push(message);
    };
  }
  log.child = () => log;
  log.isLevelEnabled = () => true;
  const element = opts.element ?? 'test@test';
  const provider = element.includes('@') ? element.slice(element.lastIndexOf('@') + 1) : 'test';
  return {
    element,
    provider,
    service: resolver('service', opts.services, provider, standInService),
    middleware: resolver('middleware', opts.middlewares, provider),
    log: log as unknown as ElementContext['log'],
    logs,
    warnings,
    state<T>(key: string, create: () => T): T {
      if (!store.has(key)) store.set(key, create());
      return store.get(key) as T;
    },
    onCleanup(fn) {
      cleanups.push(fn);
    },
    get pendingCleanups() {
      return cleanups.length;
    },
    async runCleanups() {
      const fns = cleanups.splice(0).reverse();
      for (const fn of fns) await fn();
    },
  };
}
