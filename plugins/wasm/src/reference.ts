/**
 * The same ABI on @extism/extism 1.0.3, for tests: run a module under the official JS SDK and under Portico's
 * host and compare the answers. Works around the SDK's known defects (see docs/plugins/wasm.md): calls are
 * serialized, `reset()` runs after every call (1.0.3 never frees blocks and fails after ~16k calls), and
 * inputs are exact-length copies (1.0.3 ignores a view's offset and length), and vars are kept by value here
 * (1.0.3 keeps a var as a block index, which `reset()` frees: vars would dangle from the next call on).
 *
 * Not for the request path: it is an order of magnitude slower and cannot stop a looping module.
 */
import type { CurrentPlugin, Plugin } from '@extism/extism';
import { ENTRY_EXPORT, ENV_MODULE, USER_MODULE } from './abi.js';
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
  const text = (cp: CurrentPlugin, h: bigint): string | null => {
    if (h === 0n) return null;
    const out = cp.read(h);
    return out === null ? null : Buffer.from(out.bytes()).toString('latin1');
  };
  const store = (cp: CurrentPlugin, s: string | null): bigint => (s === null ? 0n : cp.store(new Uint8Array(Buffer.from(s, 'latin1'))));
  const vars = new Map<string, Uint8Array>();
  const functions = {
    [ENV_MODULE]: {
      var_get: (cp: CurrentPlugin, k: bigint) => {
        const value = vars.get(cp.read(k)?.text() ?? '');
        return value === undefined ? 0n : cp.store(value.slice());
      },
      var_set: (cp: CurrentPlugin, k: bigint, v: bigint) => {
        const key = cp.read(k)?.text() ?? '';
        const value = v === 0n ? null : cp.read(v);
        if (value === null) vars.delete(key);
        else vars.set(key, value.bytes().slice());
      },
    },
    [USER_MODULE]: {
      get_method: (cp: CurrentPlugin) => store(cp, state.getMethod()),
      get_path: (cp: CurrentPlugin) => store(cp, state.getPath()),
      set_path: (cp: CurrentPlugin, h: bigint) => state.setPath(text(cp, h)),
      get_query: (cp: CurrentPlugin) => store(cp, state.getQuery()),
      set_query: (cp: CurrentPlugin, h: bigint) => state.setQuery(text(cp, h)),
      get_header: (cp: CurrentPlugin, h: bigint) => store(cp, state.getHeader(text(cp, h))),
      get_header_names: (cp: CurrentPlugin) => store(cp, state.getHeaderNames()),
      set_header: (cp: CurrentPlugin, n: bigint, v: bigint) => state.setHeader(text(cp, n), text(cp, v)),
      add_header: (cp: CurrentPlugin, n: bigint, v: bigint) => state.addHeader(text(cp, n), text(cp, v)),
      del_header: (cp: CurrentPlugin, n: bigint) => state.delHeader(text(cp, n)),
      get_client_ip: (cp: CurrentPlugin) => store(cp, state.getClientIp()),
      set_response_header: (cp: CurrentPlugin, n: bigint, v: bigint) => state.setResponseHeader(text(cp, n), text(cp, v)),
      respond: (cp: CurrentPlugin, status: number, h: bigint) => {
        const out = h === 0n ? null : cp.read(h);
        state.respond(status, out === null ? null : out.bytes().slice());
      },
    },
  };
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
