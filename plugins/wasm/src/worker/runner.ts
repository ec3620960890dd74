/**
 * One element's module under @extism/extism 1.0.3 with `runInWorker`: the wasm runs in a worker thread, the
 * request host functions run here on the main thread (the SDK's SharedArrayBuffer protocol), and the
 * middleware awaits the call.
 *
 * Works around the SDK (see /work/shared/research/wasm-findings.md):
 * - overlapping calls on one instance fail ("plugin is not reentrant"): calls go through a queue, one in
 *   flight; the CallState (the "current request" the host functions read) is safe because of that;
 * - blocks are never freed: `reset()` after every call;
 * - there is no timeout: each call races a timer; on expiry the worker is terminated (`close()`), the call's
 *   promise is abandoned (1.0.3 never settles it) and a fresh plugin is created for the next call;
 * - a trap or a throwing host function may leave the instance half-updated (a throwing host function even
 *   terminates the worker): the plugin is replaced too. `error_set` + a non-zero return keeps it.
 */
import type { Plugin } from '@extism/extism';
import { ENTRY_EXPORT } from '../abi.js';
import { extismHostFunctions } from '../host/extism-functions.js';
import type { Logger } from '../host/instance.js';
import { CallState, HostFunctionError, type CallRequest } from '../host/request-api.js';
import { installExtismWorkerFix } from './extism-worker-fix.js';

export interface WorkerRunnerOptions {
  /** The module, memory already capped (prepare.ts). */
  bytes: Uint8Array;
  config: Record<string, string>;
  useWasi: boolean;
  /** Hosts `http_request` may reach (Extism's syntax: exact names or globs such as `*.example.com`). */
  allowedHosts: string[];
  timeoutMs: number;
  log: Logger;
}

/** What one call did: a failure reason for the log (→ 500), or what to apply to the exchange. */
export type WorkerResult =
  | { failure: string }
  | { failure: null; respondStatus: number; respondBody: Uint8Array | null; responseHeaders: Array<[string, string]> | null };

const PLUGIN_ERROR = 'Plugin-originated error: ';

export class WorkerRunner {
  private readonly state = new CallState();
  private plugin: Promise<Plugin> | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Plugins (workers) created so far, and calls abandoned on timeout (tests). */
  pluginsCreated = 0;
  timeouts = 0;

  constructor(private readonly opts: WorkerRunnerOptions) {}

  /** Starts the worker now, so the first request does not wait for it (worker start-up is ~60–180 ms). */
  warmUp(): void {
    this.ensurePlugin().catch(() => {
      // Reported (and retried) by the first request.
    });
  }

  /** Runs handle_request for `req` after the calls already queued. Never rejects. */
  call(req: CallRequest): Promise<WorkerResult> {
    const result = this.tail.then(
      () => this.run(req),
    ).catch((err: unknown): WorkerResult => ({ failure: `host error: ${errorText(err)}` }));
    this.tail = result;
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    const plugin = this.plugin;
    this.plugin = null;
    if (plugin !== null) await plugin.then((p) => p.close(), () => undefined);
  }

  private ensurePlugin(): Promise<Plugin> {
    if (this.plugin !== null) return this.plugin;
    const { opts, state } = this;
    const log = opts.log;
    // The SDK logs guest log_* calls and its own problems through this; one worker per element.
    const logger = {
      trace: (m: string) => log.trace(m),
      debug: (m: string) => log.debug(m),
      info: (m: string) => log.info(m),
      warn: (m: string) => log.warn(m),
      error: (m: string) => log.error(m),
      log: (m: string) => log.info(m),
    } as unknown as Console;
    installExtismWorkerFix();
    const created = import('@extism/extism').then(({ default: createPlugin }) =>
      createPlugin(
        { wasm: [{ data: new Uint8Array(opts.bytes) }] },
        {
          runInWorker: true,
          useWasi: opts.useWasi,
          allowedHosts: opts.allowedHosts,
          config: opts.config,
          functions: extismHostFunctions(state, log),
          logger,
        },
      ),
    );
    this.pluginsCreated++;
    this.plugin = created;
    created.catch(() => {
      if (this.plugin === created) this.plugin = null;
    });
    return created;
  }

  /** Drops the current plugin (terminating its worker) and starts its replacement. */
  private replace(plugin: Plugin): void {
    this.plugin = null;
    void plugin.close();
    releaseHostWait(plugin);
    if (!this.closed) this.warmUp();
  }

  private async run(req: CallRequest): Promise<WorkerResult> {
    if (this.closed) return { failure: 'the middleware was removed from the configuration' };
    let plugin: Plugin;
    try {
      plugin = await this.ensurePlugin();
    } catch (err) {
      return { failure: `instantiation failed: ${errorText(err)}` };
    }
    const state = this.state;
    state.begin(req);
    const outcome = await callWithTimeout(plugin, this.opts.timeoutMs);
    state.req = null;
    if (outcome === TIMED_OUT) {
      this.timeouts++;
      this.replace(plugin);
      return { failure: `timeout: handle_request did not finish within ${this.opts.timeoutMs} ms (worker restarted)` };
    }
    if (outcome !== null) {
      const message = errorText(outcome);
      if (message.startsWith(PLUGIN_ERROR)) {
        await this.resetOrReplace(plugin);
        return { failure: `handle_request failed: ${message.slice(PLUGIN_ERROR.length)}` };
      }
      this.replace(plugin);
      if (outcome instanceof HostFunctionError) return { failure: `host function error: ${outcome.message}` };
      return { failure: `trap: ${message}${state.error === null ? '' : ` (${state.error})`}` };
    }
    await this.resetOrReplace(plugin);
    return { failure: null, respondStatus: state.respondStatus, respondBody: state.respondBody, responseHeaders: state.responseHeaders };
  }

  private async resetOrReplace(plugin: Plugin): Promise<void> {
    try {
      await plugin.reset();
    } catch {
      this.replace(plugin);
    }
  }
}

const TIMED_OUT = Symbol('timed out');

/**
 * The call's error (null when it succeeded), or TIMED_OUT. The call's promise may never settle (1.0.3 after
 * `close()`): only a fresh promise is kept, and the reactions attached to the abandoned one die with the plugin.
 */
function callWithTimeout(plugin: Plugin, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(TIMED_OUT), ms);
    plugin.call(ENTRY_EXPORT).then(
      () => {
        clearTimeout(timer);
        resolve(null);
      },
      (err: unknown) => {
        clearTimeout(timer);
        resolve(err ?? new Error('unknown error'));
      },
    );
  });
}

/**
 * A host function answering the terminated worker waits (Atomics.waitAsync, re-armed every 500 ms, with a
 * 0 ms interval running) for the worker to acknowledge its reply; with the worker gone it would wait forever.
 * Changing the flag it waits on releases it.
 */
function releaseHostWait(plugin: Plugin): void {
  const shared = (plugin as unknown as { sharedData?: SharedArrayBuffer }).sharedData;
  if (shared === undefined) return;
  const flag = new Int32Array(shared, 0, 1);
  Atomics.store(flag, 0, -1);
  Atomics.notify(flag, 0);
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.name === 'Error' ? err.message : `${err.name}: ${err.message}`;
  // Errors thrown in the worker arrive as plain {message, originalStack} objects.
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  return String(err);
}
