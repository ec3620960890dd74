/**
 * One instance of a prepared middleware module in Portico's synchronous host: a kernel instance (the Extism
 * memory, kernel.wat) plus the guest, linked so the guest's hot `extism:host/env` imports are the kernel's
 * exports (wasm-to-wasm) and the rest are JS closures over this instance's state.
 *
 * Calls run synchronously and one at a time (the JS thread guarantees it). The host resets the arena and the
 * fuel counter before each call. Vars live as long as the instance.
 */
import type { ElementContext } from '@portico/sdk';
import { ENV_MODULE, ENTRY_EXPORT, FUEL_EXPORT, USER_MODULE } from '../abi.js';
import { KernelMemory } from './kernel-memory.js';
import { CallState, HostFunctionError, type CallRequest } from './request-api.js';

export type Logger = ElementContext['log'];

export interface InstanceOptions {
  /** The prepared (capped, metered) module. */
  module: WebAssembly.Module;
  config: ReadonlyMap<string, string>;
  fuel: number;
  /** Extism memory (`alloc`) available per call, in bytes. */
  arenaBytes: number;
  /** Logger for the guest's log_* calls. */
  log: Logger;
}

/** Total bytes of vars an instance may keep (Extism's own default limit is 1 MiB too). */
export const MAX_VAR_BYTES = 1024 * 1024;

const LOG_LEVELS: Record<string, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 4, silent: 0x7fffffff };

export class WasmInstance {
  readonly state = new CallState();
  private readonly kernel: KernelMemory;
  private readonly fuel: WebAssembly.Global;
  private readonly fuelBudget: bigint;
  private readonly exports: WebAssembly.Exports;
  private readonly vars = new Map<string, Uint8Array>();
  private varBytes = 0;

  constructor(opts: InstanceOptions) {
    const kernel = (this.kernel = new KernelMemory(opts.arenaBytes));
    const state = this.state;
    const k = kernel.exports;
    const configBytes = new Map<string, Buffer>();
    for (const [key, value] of opts.config) configBytes.set(key, Buffer.from(value, 'utf8'));
    const log = opts.log;
    const logAt = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (h: bigint) => {
      log[level](kernel.readUtf8(`log_${level}`, h) ?? '');
    };

    const env: Record<string, unknown> = {
      alloc: k.alloc,
      free: k.free,
      length: k.length,
      length_unsafe: k.length_unsafe,
      load_u8: k.load_u8,
      load_u64: k.load_u64,
      store_u8: k.store_u8,
      store_u64: k.store_u64,
      input_offset: k.input_offset,
      input_length: k.input_length,
      input_load_u8: k.input_load_u8,
      input_load_u64: k.input_load_u64,
      output_set: (h: bigint, len: bigint) => {
        state.output = kernel.readBytes('output_set', h, Number(len)) ?? new Uint8Array(0);
      },
      error_set: (h: bigint) => {
        state.error = kernel.readUtf8('error_set', h);
      },
      config_get: (h: bigint) => {
        const value = configBytes.get(kernel.readUtf8('config_get', h) ?? '');
        return value === undefined ? 0n : kernel.writeBytes('config_get', value);
      },
      var_get: (h: bigint) => {
        const value = this.vars.get(kernel.readUtf8('var_get', h) ?? '');
        return value === undefined ? 0n : kernel.writeBytes('var_get', value);
      },
      var_set: (kh: bigint, vh: bigint) => this.setVar(kernel.readUtf8('var_set', kh) ?? '', kernel.readBytes('var_set', vh)),
      log_trace: logAt('trace'),
      log_debug: logAt('debug'),
      log_info: logAt('info'),
      log_warn: logAt('warn'),
      log_error: logAt('error'),
      get_log_level: () => LOG_LEVELS[log.level] ?? 2,
    };

    const latin1Out = (fn: string, s: string | null) => (s === null ? 0n : kernel.writeLatin1(fn, s));
    const user: Record<string, unknown> = {
      get_method: () => kernel.writeLatin1('get_method', state.getMethod()),
      get_path: () => kernel.writeLatin1('get_path', state.getPath()),
      set_path: (h: bigint) => state.setPath(kernel.readLatin1('set_path', h)),
      get_query: () => latin1Out('get_query', state.getQuery()),
      set_query: (h: bigint) => state.setQuery(kernel.readLatin1('set_query', h)),
      get_header: (h: bigint) => latin1Out('get_header', state.getHeader(kernel.readLatin1('get_header', h))),
      get_header_names: () => kernel.writeLatin1('get_header_names', state.getHeaderNames()),
      set_header: (n: bigint, v: bigint) => state.setHeader(kernel.readLatin1('set_header', n), kernel.readLatin1('set_header', v)),
      add_header: (n: bigint, v: bigint) => state.addHeader(kernel.readLatin1('add_header', n), kernel.readLatin1('add_header', v)),
      del_header: (n: bigint) => state.delHeader(kernel.readLatin1('del_header', n)),
      get_client_ip: () => kernel.writeLatin1('get_client_ip', state.getClientIp()),
      set_response_header: (n: bigint, v: bigint) =>
        state.setResponseHeader(kernel.readLatin1('set_response_header', n), kernel.readLatin1('set_response_header', v)),
      respond: (status: number, body: bigint) => state.respond(status, kernel.readBytes('respond', body)),
    };

    this.fuelBudget = BigInt(opts.fuel);
    const instance = new WebAssembly.Instance(opts.module, { [ENV_MODULE]: env, [USER_MODULE]: user } as WebAssembly.Imports);
    this.exports = instance.exports;
    this.fuel = instance.exports[FUEL_EXPORT] as WebAssembly.Global;
  }

  private setVar(key: string, value: Uint8Array | null): void {
    const old = this.vars.get(key);
    const delta = (value?.length ?? 0) - (old?.length ?? 0);
    if (value !== null && this.varBytes + delta > MAX_VAR_BYTES) throw new HostFunctionError(`var_set: vars would exceed ${MAX_VAR_BYTES} bytes`);
    this.varBytes += delta;
    if (value === null) this.vars.delete(key);
    else this.vars.set(key, value);
  }

  /**
   * Runs export `name` (default handle_request) for `req`, synchronously. Returns the export's i32 result;
   * throws whatever the guest raised (RuntimeError for traps, HostFunctionError, RangeError for stack
   * overflow): the instance must then be dropped.
   */
  call(req: CallRequest | null, name = ENTRY_EXPORT, input?: Uint8Array): number {
    const fn = this.exports[name];
    if (typeof fn !== 'function') throw new HostFunctionError(`the module does not export a function "${name}"`);
    this.state.begin(req);
    const k = this.kernel.exports;
    k.reset();
    if (input !== undefined) k.set_input(Number(this.kernel.writeBytes('input', input)));
    this.fuel.value = this.fuelBudget;
    try {
      return (fn as () => number)() | 0;
    } finally {
      this.state.req = null;
    }
  }

  /** True after a trap caused by running out of fuel. */
  get fuelExhausted(): boolean {
    return (this.fuel.value as bigint) < 0n;
  }

  /** Fuel the last call used (tests and docs). */
  get fuelUsed(): bigint {
    return this.fuelBudget - (this.fuel.value as bigint);
  }
}
