/**
 * What the `extism:host/user` request functions do, on JS strings: the semantics shared by Portico's own host
 * (instance.ts) and the @extism/extism reference runner (reference.ts), so both give the same answers.
 *
 * Request strings (method, path, query, header names and values, client IP) travel as their wire bytes
 * (latin1 in JS, as Node decodes HTTP heads): a UTF-8 header value reaches the guest as the same UTF-8 bytes.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The request a call works on: an Exchange has this shape. */
export interface CallRequest {
  readonly method: string;
  path: string;
  query: string | null;
  headers: IncomingHttpHeaders;
  readonly clientIp: string;
}

/** Host function misuse (bad header name, status out of range…): fails the request like a trap. */
export class HostFunctionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostFunctionError';
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function headerName(fn: string, name: string | null): string {
  if (name === null || !TOKEN.test(name)) throw new HostFunctionError(`${fn}: invalid header name ${JSON.stringify(name)}`);
  return name.toLowerCase();
}

function headerValue(fn: string, value: string | null): string {
  const v = value ?? '';
  if (!FIELD_VALUE.test(v)) throw new HostFunctionError(`${fn}: invalid header value ${JSON.stringify(v)}`);
  return v;
}

/** Per-call state: the request, and what the guest asked the host to do with the response. */
export class CallState {
  req: CallRequest | null = null;
  /** Status given to `respond`, 0 when the guest did not answer. */
  respondStatus = 0;
  respondBody: Uint8Array | null = null;
  /** Response headers from `set_response_header`, in call order. */
  responseHeaders: Array<[string, string]> | null = null;
  /** Message from `error_set`. */
  error: string | null = null;
  /** Bytes from `output_set` (unused by handle_request; kept for the reference comparison and tests). */
  output: Uint8Array | null = null;

  begin(req: CallRequest | null): void {
    this.req = req;
    this.respondStatus = 0;
    this.respondBody = null;
    this.responseHeaders = null;
    this.error = null;
    this.output = null;
  }

  private request(fn: string): CallRequest {
    if (this.req === null) throw new HostFunctionError(`${fn}: no request in this call`);
    return this.req;
  }

  getMethod(): string {
    return this.request('get_method').method;
  }

  getPath(): string {
    return this.request('get_path').path;
  }

  setPath(path: string | null): void {
    if (path === null || path.charCodeAt(0) !== 0x2f || !FIELD_VALUE.test(path) || /[\s#?]/.test(path)) {
      throw new HostFunctionError(`set_path: the path must start with "/" and contain no space, "?" or "#": ${JSON.stringify(path)}`);
    }
    this.request('set_path').path = path;
  }

  getQuery(): string | null {
    return this.request('get_query').query;
  }

  setQuery(query: string | null): void {
    if (query !== null && (!FIELD_VALUE.test(query) || /[\s#]/.test(query))) throw new HostFunctionError(`set_query: invalid query ${JSON.stringify(query)}`);
    this.request('set_query').query = query === null || query === '' ? null : query;
  }

  getHeader(name: string | null): string | null {
    const v = this.request('get_header').headers[headerName('get_header', name)];
    if (v === undefined) return null;
    return typeof v === 'string' ? v : v.join(', ');
  }

  getHeaderNames(): string {
    const headers = this.request('get_header_names').headers;
    let out = '';
    for (const k in headers) {
      if (headers[k] === undefined) continue;
      out = out === '' ? k : `${out}\n${k}`;
    }
    return out;
  }

  setHeader(name: string | null, value: string | null): void {
    const n = headerName('set_header', name);
    this.request('set_header').headers[n] = headerValue('set_header', value);
  }

  addHeader(name: string | null, value: string | null): void {
    const n = headerName('add_header', name);
    const v = headerValue('add_header', value);
    const headers = this.request('add_header').headers as Record<string, string | string[] | undefined>;
    const cur = headers[n];
    if (cur === undefined) headers[n] = v;
    else if (typeof cur === 'string') headers[n] = [cur, v];
    else cur.push(v);
  }

  delHeader(name: string | null): void {
    delete this.request('del_header').headers[headerName('del_header', name)];
  }

  getClientIp(): string {
    return this.request('get_client_ip').clientIp;
  }

  setResponseHeader(name: string | null, value: string | null): void {
    const n = headerName('set_response_header', name);
    const v = headerValue('set_response_header', value);
    (this.responseHeaders ??= []).push([n, v]);
  }

  respond(status: number, body: Uint8Array | null): void {
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new HostFunctionError(`respond: status ${status} is not within 100..599`);
    this.respondStatus = status;
    this.respondBody = body;
  }
}
