// Portico's request host functions (`extism:host/user`), as agreed in the WASM ABI (docs/plugins/wasm.md).
// Every string crosses as a UTF-8 block handle; a returned 0 means "absent". Use the friendly wrappers in
// request.ts / response.ts rather than these.

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "get_method")
export declare function get_method(): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "get_path")
export declare function get_path(): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "set_path")
export declare function set_path(path: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "get_query")
export declare function get_query(): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "set_query")
export declare function set_query(query: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "get_header")
export declare function get_header(name: u64): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "get_header_names")
export declare function get_header_names(): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "set_header")
export declare function set_header(name: u64, value: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "add_header")
export declare function add_header(name: u64, value: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "del_header")
export declare function del_header(name: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "get_client_ip")
export declare function get_client_ip(): u64;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "set_response_header")
export declare function set_response_header(name: u64, value: u64): void;

// @ts-ignore: decorator (AssemblyScript)
@external("extism:host/user", "respond")
export declare function respond(status: i32, body: u64): void;
