// A module that exercises every call of the AssemblyScript kit, for the example's tests (not part of the
// middleware): the request path chooses what it does. Built by test/kit-probe.test.ts into a temporary folder.

import { Config, Host, Log, Request, Response, Var, fail, respond, respondBytes } from "@portico/sdk/assembly";

function describeRequest(): string {
  const query = Request.query();
  // Only the x- headers: the transports add their own (host, connection) and differ there.
  const names = Request.headerNames().filter((name: string): bool => name.startsWith("x-"));
  names.sort();
  const probe = Request.header("x-probe");
  return "method=" + Request.method() +
    "\npath=" + Request.path() +
    "\nquery=" + (query !== null ? query : "(none)") +
    "\nnames=" + names.join(",") +
    "\nx-probe=" + (probe !== null ? probe : "(absent)") +
    "\nhas-x-probe=" + (Request.hasHeader("x-probe") ? "yes" : "no") +
    "\nclient-ip-set=" + (Request.clientIp().length > 0 ? "yes" : "no");
}

export function handle_request(): i32 {
  const path = Request.path();
  if (path == "/describe") {
    respond(200, describeRequest());
  } else if (path == "/rewrite") {
    Request.setPath("/rewritten/ok");
    Request.setQuery("a=1&b=two");
    Request.setHeader("x-set", "set-value");
    Request.addHeader("x-multi", "second");
    Request.deleteHeader("x-drop");
    Request.setHeader("x-empty", "");
    Response.setHeader("x-probe-response", "rewritten");
  } else if (path == "/clear-query") {
    Request.setQuery(null);
  } else if (path == "/unicode") {
    // Multi-byte UTF-8 (2, 3 and 4 bytes): byte lengths, not string lengths, must cross the boundary.
    Response.setHeader("content-type", "text/plain; charset=utf-8");
    respond(200, "héllo ✓ 😀");
  } else if (path == "/config") {
    const greeting = Config.get("greeting");
    const missing = Config.get("no-such-key");
    respond(200, (greeting !== null ? greeting : "(none)") + "|" + (missing !== null ? missing : "(none)") + "|" + Config.getOr("absent", "fallback"));
  } else if (path == "/count") {
    const previous = Var.get("count");
    const count = (previous !== null ? I32.parseInt(previous) : 0) + 1;
    Var.set("count", count.toString());
    respond(200, count.toString());
  } else if (path == "/bytes") {
    const body = new Uint8Array(19); // odd length: exercises the 8-byte copy and the byte tail
    for (let i = 0; i < body.length; i++) body[i] = <u8>(65 + i);
    Var.setBytes("raw", body);
    const back = Var.getBytes("raw");
    respondBytes(201, back !== null ? back : new Uint8Array(0));
  } else if (path == "/large") {
    const size = I32.parseInt(Config.getOr("largeSize", "100003"));
    respond(200, "x".repeat(size));
  } else if (path == "/empty") {
    respond(204);
  } else if (path == "/log") {
    Log.debug("probe debug");
    Log.info("probe info");
    Log.warn("probe warn");
    Log.error("probe error");
  } else if (path == "/throw") {
    throw new Error("boom from the probe");
  } else if (path == "/fail") {
    return fail("the probe failed on purpose");
  } else if (path == "/bad-path") {
    Request.setPath("no-leading-slash");
  } else if (path == "/bad-status") {
    respond(42, "nope");
  }
  return 0;
}

/** Extism-style export (input → output), for hosts that pass input: echoes it with " ✓" appended (non-ASCII output). */
export function echo(): i32 {
  Host.outputString(Host.inputString() + " ✓");
  return 0;
}
