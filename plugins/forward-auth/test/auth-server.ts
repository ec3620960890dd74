/**
 * A real loopback authentication server for the forwardAuth tests. It records every call (method, path,
 * headers, body) and answers as told, either by `answer` (set per test) or by the query of the address
 * (`/?status=403&header=X-Foo:bar&body=Forbidden`), which lets a static cases.yaml describe the answer.
 * With `echo=1` the body is the JSON of what the server received, so cases can assert on the auth request.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface AuthCall {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface AuthAnswerSpec {
  status?: number;
  /** A list value sends the header several times. */
  headers?: Record<string, string | string[]>;
  body?: string;
  /** Never answer (the client gives up or is aborted). */
  hang?: boolean;
}

export interface AuthServer {
  url: string;
  calls: AuthCall[];
  /** Answer used when the request carries no `status` query parameter. */
  answer: AuthAnswerSpec;
  /** Number of connections accepted so far. */
  connections(): number;
  /** Calls whose connection closed before they were answered (the client gave up). */
  closedCalls(): number;
  close(): Promise<void>;
}

function answerFromQuery(query: URLSearchParams, call: AuthCall): AuthAnswerSpec | null {
  if (!query.has('status') && !query.has('echo')) return null;
  const headers: Record<string, string[]> = {};
  for (const h of query.getAll('header')) {
    const colon = h.indexOf(':');
    (headers[h.slice(0, colon)] ??= []).push(h.slice(colon + 1));
  }
  const body = query.get('echo') === '1' ? JSON.stringify({ method: call.method, headers: call.headers, body: call.body }) : (query.get('body') ?? '');
  return { status: Number(query.get('status') ?? '200'), headers, body };
}

export async function startAuthServer(tls?: https.ServerOptions): Promise<AuthServer> {
  const calls: AuthCall[] = [];
  let connections = 0;
  let closedCalls = 0;
  const state: AuthServer = {
    connections: () => connections,
    closedCalls: () => closedCalls,
    url: '',
    calls,
    answer: { status: 200 },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call: AuthCall = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString() };
      calls.push(call);
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const a = answerFromQuery(query, call) ?? state.answer;
      if (a.hang === true) {
        res.on('close', () => closedCalls++);
        return;
      }
      const headers: [string, string][] = [];
      for (const [k, v] of Object.entries(a.headers ?? {})) for (const one of Array.isArray(v) ? v : [v]) headers.push([k, one]);
      res.writeHead(a.status ?? 200, headers.flat());
      res.end(a.body ?? '');
    });
  };
  const server = tls === undefined ? http.createServer(handler) : https.createServer(tls, handler);
  server.on(tls === undefined ? 'connection' : 'secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
