// An API-key gate, as a Portico WASM middleware written in AssemblyScript:
// - requests whose path is under `protectedPrefix` (config, default "/admin") must carry the header
//   `x-api-key` equal to config `apiKey`, else they are answered 403 without reaching the upstream;
// - every other request loses its `x-internal-secret` header, gains `x-wasm-mw: <config tag>`, and its
//   response gets `x-wasm-served: yes`.

import { Config, Log, Request, Response, respond } from "@portico/sdk/assembly";

// Configuration never changes during an instance's life: read it once, on the first request.
let configured = false;
let protectedPrefix = "/admin";
let apiKey: string | null = null;
let tag = "assemblyscript";

function configure(): void {
  protectedPrefix = Config.getOr("protectedPrefix", "/admin");
  apiKey = Config.get("apiKey");
  tag = Config.getOr("tag", "assemblyscript");
  configured = true;
}

/** Whether `path` is `prefix` itself or lies below it ("/admin", "/admin/x"; not "/administrator"). */
function isUnder(path: string, prefix: string): bool {
  if (!path.startsWith(prefix)) return false;
  return path.length == prefix.length || prefix.endsWith("/") || path.charCodeAt(prefix.length) == 47; // '/'
}

export function handle_request(): i32 {
  if (!configured) configure();

  if (isUnder(Request.path(), protectedPrefix)) {
    const given = Request.header("x-api-key");
    // No apiKey configured means nothing can open the protected paths.
    if (apiKey === null || given === null || given != apiKey) {
      Log.debug("api key missing or wrong for " + Request.method() + " " + Request.path());
      Response.setHeader("content-type", "application/json");
      respond(403, '{"error":"forbidden","reason":"x-api-key missing or wrong"}');
      return 0;
    }
  }

  Request.deleteHeader("x-internal-secret");
  Request.setHeader("x-wasm-mw", tag);
  Response.setHeader("x-wasm-served", "yes");
  return 0;
}
