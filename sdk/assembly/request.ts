// The request being handled, as the proxy will forward it. Reads and writes go straight to the host (no copy
// of the request is made), so a middleware pays only for what it touches.

import { blockFromString, optionalStringFromBlock, stringFromBlock } from "./strings";
import {
  add_header,
  del_header,
  get_client_ip,
  get_header,
  get_header_names,
  get_method,
  get_path,
  get_query,
  set_header,
  set_path,
  set_query,
} from "./host";

export namespace Request {
  /** The request method, e.g. "GET". */
  export function method(): string {
    return stringFromBlock(get_method());
  }

  /** The path the proxy will forward, without the query (escaped form, e.g. "/a%2Fb"). */
  export function path(): string {
    return stringFromBlock(get_path());
  }

  /** Replaces the path; it must start with "/" (the host fails the request otherwise). */
  export function setPath(path: string): void {
    set_path(blockFromString(path));
  }

  /** The raw query without "?", or null when the URL has none. */
  export function query(): string | null {
    return optionalStringFromBlock(get_query());
  }

  /** Replaces the raw query (given without "?"); null or "" removes it. */
  export function setQuery(query: string | null): void {
    set_query(query === null || query.length == 0 ? 0 : blockFromString(query));
  }

  /** A request header's value (name case-insensitive; several values joined with ", "), or null when absent. */
  export function header(name: string): string | null {
    return optionalStringFromBlock(get_header(blockFromString(name)));
  }

  /** Whether the request has this header. */
  export function hasHeader(name: string): bool {
    return get_header(blockFromString(name)) != 0;
  }

  /** Sets a request header, replacing any value it had. */
  export function setHeader(name: string, value: string): void {
    set_header(blockFromString(name), blockFromString(value));
  }

  /** Appends a value to a request header (another header line). */
  export function addHeader(name: string, value: string): void {
    add_header(blockFromString(name), blockFromString(value));
  }

  /** Removes a request header. */
  export function deleteHeader(name: string): void {
    del_header(blockFromString(name));
  }

  /** The request's header names, lower-case. */
  export function headerNames(): string[] {
    const joined = stringFromBlock(get_header_names());
    return joined.length == 0 ? [] : joined.split("\n");
  }

  /** The client address as the entrypoint sees it (the socket peer, e.g. "127.0.0.1"). */
  export function clientIp(): string {
    return stringFromBlock(get_client_ip());
  }
}
