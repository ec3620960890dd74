// The Extism kernel functions (`extism:host/env`) the kit uses, exactly as every Extism host provides them
// (the @extism/extism JS SDK 1.x and 2.x, the Rust runtime, Portico's own host). A handle is an i64 offset of
// a block in Extism memory (not in this module's linear memory); 0 means "none".
//
// Only functions every host has are declared: `log_trace`, `get_log_level` and `error_get` are 2.x additions,
// and `http_request` is refused by Portico. asc imports a declared function only when it is called, so an
// unused one costs nothing.

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "alloc")
export declare function alloc(length: u64): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "free")
export declare function free(handle: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "length")
export declare function length(handle: u64): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "load_u8")
export declare function load_u8(offset: u64): u8;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "load_u64")
export declare function load_u64(offset: u64): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "store_u8")
export declare function store_u8(offset: u64, value: u8): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "store_u64")
export declare function store_u64(offset: u64, value: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "input_length")
export declare function input_length(): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "input_load_u8")
export declare function input_load_u8(offset: u64): u8;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "input_load_u64")
export declare function input_load_u64(offset: u64): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "output_set")
export declare function output_set(handle: u64, length: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "error_set")
export declare function error_set(handle: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "config_get")
export declare function config_get(key: u64): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "var_get")
export declare function var_get(key: u64): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "var_set")
export declare function var_set(key: u64, value: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "log_info")
export declare function log_info(message: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "log_warn")
export declare function log_warn(message: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "log_debug")
export declare function log_debug(message: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/env", "log_error")
export declare function log_error(message: u64): void;
