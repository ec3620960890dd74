import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { UpstreamError } from '@portico/core';
import type { Exchange, Handler } from '@portico/core';

/** What the upstream received: the request as the middlewares left it when the chain reached the service. */
export interface UpstreamCall {
  method: string;
  /** Path and query as the upstream request line carries them (`/` for a fully stripped path, as Go sends). */
  path: string;
  /** `ex.path` as the middlewares left it: escaped form, may be ''. */
  rawPath: string;
  /** Query without `?`; null when there is none. */
  query: string | null;
  /**
   * Request headers as the proxy hands them to its transport (a copy): the entrypoint's forwarded headers
   * (X-Forwarded-*, X-Real-Ip) plus what the middlewares changed. The transport then drops hop-by-hop headers,
   * sets Host (passHostHeader) and appends the client IP to X-Forwarded-For when `appendXForwardedFor`.
   */
  headers: IncomingHttpHeaders;
  /** Whether the transport would append the client IP to X-Forwarded-For. */
  appendXForwardedFor: boolean;
  body: Buffer;
  /** Authenticated user an auth middleware set (`ex.user`). */
  user: string;
}

/** How the fake upstream answers. */
export interface UpstreamAnswer {
  /** Default 200. */
  status?: number;
  headers?: OutgoingHttpHeaders;
  /**
   * A string or Buffer is sent with Content-Length. A list is streamed: the head goes out first without a
   * length (chunked, as the proxy relays a response of unknown length), then one write per item.
   */
  body?: string | Buffer | Array<string | Buffer>;
  /** Wait this long before answering (ms). */
  delayMs?: number;
  /** Wait this long between streamed chunks (ms). */
  chunkDelayMs?: number;
  /**
   * Fail like the transport does, with the UpstreamError the proxy would raise: `refused` (502, never reached
   * the server, retryable), `reset` (502, reached), `timeout` (504), `unavailable` (503, no server).
   */
  fail?: 'refused' | 'reset' | 'timeout' | 'unavailable';
}

/** Answers computed per call (index counts calls on this upstream from 0). */
export type UpstreamResponder = (call: UpstreamCall, index: number, ex: Exchange) => UpstreamAnswer | Promise<UpstreamAnswer>;

export interface FakeUpstream {
  /** Terminal handler standing for service + upstream. */
  handler: Handler;
  /** Every call, in order. */
  calls: UpstreamCall[];
  /** The calls made for one exchange (a retry makes several). */
  callsOf(ex: Exchange): UpstreamCall[];
}

const FAILURES: Record<NonNullable<UpstreamAnswer['fail']>, [number, boolean, string]> = {
  refused: [502, false, 'fake upstream: connect ECONNREFUSED'],
  reset: [502, true, 'fake upstream: socket hang up (ECONNRESET)'],
  timeout: [504, true, 'fake upstream: headers timeout (UND_ERR_HEADERS_TIMEOUT)'],
  unavailable: [503, false, 'no server available'],
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A fake upstream: records each call and answers as told. It writes its head through `ex.sendHead` as the
 * proxy's relay does (so `onResponseHead` modifiers run), and treats a throw from it as the relay does: nothing
 * more is written and the call rejects with that error (how retry discards a response it will retry).
 */
export function fakeUpstream(answer: UpstreamAnswer | UpstreamResponder = {}): FakeUpstream {
  const calls: UpstreamCall[] = [];
  const byExchange = new WeakMap<Exchange, UpstreamCall[]>();
  const handler: Handler = async (ex) => {
    const body = ex.body ?? (await readBody(ex));
    const call: UpstreamCall = {
      method: ex.method,
      path: ex.pathAndQuery,
      rawPath: ex.path,
      query: ex.query,
      headers: { ...ex.headers },
      appendXForwardedFor: ex.appendXForwardedFor,
      body,
      user: ex.user,
    };
    const index = calls.push(call) - 1;
    const list = byExchange.get(ex);
    if (list === undefined) byExchange.set(ex, [call]);
    else list.push(call);
    const a = typeof answer === 'function' ? await answer(call, index, ex) : answer;
    if (a.delayMs !== undefined) await sleep(a.delayMs);
    if (a.fail !== undefined) {
      const [status, reached, message] = FAILURES[a.fail];
      throw new UpstreamError(status, reached, message);
    }
    await writeAnswer(ex, a);
  };
  return { handler, calls, callsOf: (ex) => byExchange.get(ex) ?? [] };
}

async function writeAnswer(ex: Exchange, a: UpstreamAnswer): Promise<void> {
  // Lower-case names, as the relay hands upstream heads to sendHead.
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(a.headers ?? {})) headers[name.toLowerCase()] = value;
  const whole = Array.isArray(a.body) ? undefined : Buffer.from(a.body ?? '');
  if (whole !== undefined && headers['content-length'] === undefined) headers['content-length'] = whole.length;
  ex.sendHead(a.status ?? 200, headers);
  const res = ex.res;
  if (ex.method === 'HEAD') {
    res.end();
    return;
  }
  if (whole !== undefined) {
    ex.bytesWritten += whole.length;
    res.end(whole);
    return;
  }
  // Unknown length: the head goes out now, as the relay flushes it for streams (SSE, long poll).
  if (headers['content-length'] === undefined) res.flushHeaders();
  for (const item of a.body as Array<string | Buffer>) {
    if (res.destroyed) return;
    if (a.chunkDelayMs !== undefined) await sleep(a.chunkDelayMs);
    const chunk = Buffer.from(item);
    ex.bytesWritten += chunk.length;
    res.write(chunk);
  }
  res.end();
}

function readBody(ex: Exchange): Promise<Buffer> {
  const req = ex.req;
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
