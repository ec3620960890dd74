// Portico's AssemblyScript kit: write a WASM middleware with npm alone.
//
//   import { Request, Response, Config, respond } from "@portico/sdk/assembly";
//
//   export function handle_request(): i32 {
//     Request.setHeader("x-hello", Config.getOr("greeting", "hi"));
//     return 0;
//   }
//
// Build: asc assembly/index.ts -O3 --runtime incremental --use abort=~lib/@portico/sdk/assembly/abort/portico_abort -o build/x.wasm
// The module is a plain Extism plugin (imports from extism:host/env and extism:host/user); see
// docs/plugins/assemblyscript.md.

export { Request } from "./request";
export { Response, respond, respondBytes } from "./response";
export { Config } from "./config";
export { Var } from "./vars";
export { Log } from "./log";
export { Host, fail } from "./io";
export { portico_abort } from "./abort";
