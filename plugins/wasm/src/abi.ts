/**
 * The import surface a Portico WASM middleware may use: the Extism kernel functions (`extism:host/env`) and
 * Portico's request host functions (`extism:host/user`), with their signatures. The loader refuses any other
 * import, so a module that links is a module the host can run. See docs/plugins/wasm.md.
 */
export const ENV_MODULE = 'extism:host/env';
export const USER_MODULE = 'extism:host/user';

const I32 = 0x7f;
const I64 = 0x7e;

export interface Signature {
  params: number[];
  results: number[];
}

const sig = (params: number[], results: number[] = []): Signature => ({ params, results });

export const ENV_IMPORTS: Record<string, Signature> = {
  alloc: sig([I64], [I64]),
  free: sig([I64]),
  length: sig([I64], [I64]),
  length_unsafe: sig([I64], [I64]),
  load_u8: sig([I64], [I32]),
  load_u64: sig([I64], [I64]),
  store_u8: sig([I64, I32]),
  store_u64: sig([I64, I64]),
  input_offset: sig([], [I64]),
  input_length: sig([], [I64]),
  input_load_u8: sig([I64], [I32]),
  input_load_u64: sig([I64], [I64]),
  output_set: sig([I64, I64]),
  error_set: sig([I64]),
  config_get: sig([I64], [I64]),
  var_get: sig([I64], [I64]),
  var_set: sig([I64, I64]),
  log_trace: sig([I64]),
  log_debug: sig([I64]),
  log_info: sig([I64]),
  log_warn: sig([I64]),
  log_error: sig([I64]),
  get_log_level: sig([], [I32]),
};

/** Extism env functions the portico runtime refuses at load, with the reason given to the user. */
export const REFUSED_ENV_IMPORTS: Record<string, string> = {
  http_request: 'outbound HTTP is not offered to middlewares (use host functions instead)',
  http_status_code: 'outbound HTTP is not offered to middlewares',
  http_headers: 'outbound HTTP is not offered to middlewares',
};

export const USER_IMPORTS: Record<string, Signature> = {
  get_method: sig([], [I64]),
  get_path: sig([], [I64]),
  set_path: sig([I64]),
  get_query: sig([], [I64]),
  set_query: sig([I64]),
  get_header: sig([I64], [I64]),
  get_header_names: sig([], [I64]),
  set_header: sig([I64, I64]),
  add_header: sig([I64, I64]),
  del_header: sig([I64]),
  get_client_ip: sig([], [I64]),
  set_response_header: sig([I64, I64]),
  respond: sig([I32, I64]),
};

/** The export the host calls once per request: `() -> i32`, 0 = OK. */
export const ENTRY_EXPORT = 'handle_request';

/** Name of the fuel counter global the loader adds and exports. */
export const FUEL_EXPORT = '__portico_fuel';
