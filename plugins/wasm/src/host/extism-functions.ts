/**
 * The request API (`extism:host/user`) and the env functions @extism/extism 1.0.3 gets wrong or lacks, as
 * `functions` for `createPlugin`: shared by the reference runner (reference.ts, foreground) and the
 * `extism-worker` runtime (worker/runner.ts). Both read and write the same CallState, so they give the same
 * answers as Portico's own host (instance.ts).
 *
 * - Vars are kept here by value: 1.0.3 keeps a var as a block index, which `reset()` frees (vars would
 *   dangle from the next call on).
 * - `log_trace` and `get_log_level` are Extism 2.x additions that 1.0.3 does not provide.
 * - Stored strings are exact-length copies: 1.0.3 ignores a view's offset and length (a `Buffer.from('hi')`
 *   would hand the guest the whole 8 KiB pool).
 */
import type { CurrentPlugin } from '@extism/extism';
import { ENV_MODULE, USER_MODULE } from '../abi.js';
import { HostFunctionError, type CallState } from './request-api.js';
import { MAX_VAR_BYTES } from './instance.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Extism passes i32 as number and i64 as bigint
type HostFunction = (cp: CurrentPlugin, ...args: any[]) => unknown;
export type ExtismFunctions = Record<string, Record<string, HostFunction>>;

const LOG_LEVELS: Record<string, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 4, silent: 0x7fffffff };

/** The minimal logger the env log functions write to (an element logger or a console). */
export interface GuestLogger {
  level?: string;
  trace(msg: string): void;
}

export function extismHostFunctions(state: CallState, logger?: GuestLogger): ExtismFunctions {
  const text = (cp: CurrentPlugin, h: bigint): string | null => {
    if (h === 0n) return null;
    const out = cp.read(h);
    return out === null ? null : Buffer.from(out.bytes()).toString('latin1');
  };
  const store = (cp: CurrentPlugin, s: string | null): bigint => (s === null ? 0n : cp.store(new Uint8Array(Buffer.from(s, 'latin1'))));
  const vars = new Map<string, Uint8Array>();
  let varBytes = 0;
  return {
    [ENV_MODULE]: {
      var_get: (cp: CurrentPlugin, k: bigint) => {
        const value = vars.get(cp.read(k)?.text() ?? '');
        return value === undefined ? 0n : cp.store(value.slice());
      },
      var_set: (cp: CurrentPlugin, k: bigint, v: bigint) => {
        const key = cp.read(k)?.text() ?? '';
        const value = v === 0n ? null : (cp.read(v)?.bytes().slice() ?? null);
        const delta = (value?.length ?? 0) - (vars.get(key)?.length ?? 0);
        if (value !== null && varBytes + delta > MAX_VAR_BYTES) throw new HostFunctionError(`var_set: vars would exceed ${MAX_VAR_BYTES} bytes`);
        varBytes += delta;
        if (value === null) vars.delete(key);
        else vars.set(key, value);
      },
      log_trace: (cp: CurrentPlugin, h: bigint) => logger?.trace(cp.read(h)?.text() ?? ''),
      get_log_level: () => LOG_LEVELS[logger?.level ?? 'info'] ?? 2,
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
}
