/**
 * The same ABI on @extism/extism 1.0.3, for tests: run a module under the official JS SDK and under Portico's
 * host and compare the answers. Works around the SDK's known defects (see docs/plugins/wasm.md): calls are
 * serialized, `reset()` runs after every call (1.0.3 never frees blocks and fails after ~16k calls), and
 * inputs are exact-length copies (1.0.3 ignores a view's offset and length), and vars are kept by value here
 * (1.0.3 keeps a var as a block index, which `reset()` frees: vars would dangle from the next call on).
 *
 * Not for the request path: it is an order of magnitude slower and cannot stop a looping module.
 */
import type { Plugin } from '@extism/extism';
import { ENTRY_EXPORT } from './abi.js';
import { extismHostFunctions } from './host/extism-functions.js';
import { CallState, type CallRequest } from './host/request-api.js';

export interface ReferenceResult {
  /** 0 on success, 1 when the guest failed (error_set + non-zero return, or a trap). */
  rc: number;
  /** The guest's error message (`Plugin-originated error: …` without the prefix), or the trap. */
  error: string | null;
  respondStatus: number;
  respondBody: Uint8Array | null;
  responseHeaders: Array<[string, string]> | null;
  output: Uint8Array | null;
}

export interface ExtismReference {
  /** Runs export `name` (default handle_request) on `req`, one call at a time. */
  call(req: CallRequest | null, name?: string, input?: Uint8Array): Promise<ReferenceResult>;
  close(): Promise<void>;
}

const silent = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as unknown as Console;

export async function createExtismReference(bytes: Uint8Array, config: Record<string, string> = {}, logger: Console = silent): Promise<ExtismReference> {
  const state = new CallState();
  const functions = extismHostFunctions(state, { level: 'info', trace: (m) => logger.debug(m) });
  // Imported on demand: the SDK loads node:wasi, which prints an ExperimentalWarning at import.
  const { default: createPlugin } = await import('@extism/extism');
  const plugin: Plugin = await createPlugin({ wasm: [{ data: new Uint8Array(bytes) }] }, { functions, config, logger, useWasi: false });
  let queue: Promise<unknown> = Promise.resolve();

  const run = async (req: CallRequest | null, name: string, input: Uint8Array | undefined): Promise<ReferenceResult> => {
    state.begin(req);
    let rc = 0;
    let output: Uint8Array | null = null;
    try {
      const out = await plugin.call(name, input === undefined ? undefined : new Uint8Array(input));
      if (out !== null) output = out.bytes().slice();
    } catch (err) {
      rc = 1;
      const message = err instanceof Error ? err.message : String(err);
      state.error = message.replace(/^Plugin-originated error: /, '');
    } finally {
      state.req = null;
      await plugin.reset();
    }
    return { rc, error: state.error, respondStatus: state.respondStatus, respondBody: state.respondBody, responseHeaders: state.responseHeaders, output };
  };

  return {
    call(req, name = ENTRY_EXPORT, input) {
      const result = queue.then(() => run(req, name, input));
      queue = result.catch(() => undefined);
      return result;
    },
    close: () => plugin.close(),
  };
}
