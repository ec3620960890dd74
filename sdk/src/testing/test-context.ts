import type { ElementContext } from '@portico/core';

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
  return {
    element,
    provider: element.includes('@') ? element.slice(element.lastIndexOf('@') + 1) : 'test',
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
