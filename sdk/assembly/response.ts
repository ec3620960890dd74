// The response sent to the client: headers to add to it, or the module's own answer.

import { blockFromBytes, blockFromString } from "./strings";
import { respond as host_respond, set_response_header } from "./host";

export namespace Response {
  /**
   * Sets a header on the response the client receives: the upstream's, or the one `respond` makes (call it
   * before or after `respond`, in the same handle_request).
   */
  export function setHeader(name: string, value: string): void {
    set_response_header(blockFromString(name), blockFromString(value));
  }
}

/**
 * Answers the request now with `status` (100..599) and `body`: the upstream is not called. The content type
 * defaults to "text/plain; charset=utf-8" when there is a body; set another with Response.setHeader.
 * handle_request should then return 0.
 */
export function respond(status: i32, body: string = ""): void {
  host_respond(status, body.length == 0 ? 0 : blockFromString(body));
}

/** `respond` with a binary body. */
export function respondBytes(status: i32, body: Uint8Array): void {
  host_respond(status, body.byteLength == 0 ? 0 : blockFromBytes(body));
}
