/**
 * Fake upstream servers living in the test process: each records what it received (method, request-target,
 * header lines, body) and answers as its responder says. One server per case (or per router, per retry slot)
 * makes "which upstream got the request" the routing verdict.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

export interface RecordedRequest {
  method: string;
  /** Request-target as received on the wire (path + query, escaped form). */
  url: string;
  /** Header lines in order, names as received. */
  headers: [string, string][];
  body: string;
}

export interface UpstreamAnswer {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** Text, or bytes for generated binary bodies. */
  body?: string | Buffer;
  /** Wait this long before answering (retry timeouts). */
  delayMs?: number;
  /** Drop the connection without answering: a network error as the proxy sees it. */
  destroy?: boolean;
}

/** Decides the answer; `hit` counts requests received so far, this one included (1-based). */
export type Responder = (req: RecordedRequest, hit: number) => UpstreamAnswer;

export class Upstream {
  readonly requests: RecordedRequest[] = [];
  private closed = false;

  constructor(
    private readonly server: Server,
    readonly port: number,
    public responder: Responder,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get hits(): number {
    return this.requests.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops listening and drops connections: the port then refuses connections (a "network error" upstream). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await done;
  }
}

export class UpstreamPool {
  private readonly all: Upstream[] = [];

  async start(responder: Responder): Promise<Upstream> {
    let upstream: Upstream | undefined;
    const server = createServer((req, res) => {
      void (async () => {
        const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: pairs(req), body: await readBody(req) };
        const u = upstream!;
        u.requests.push(recorded);
        const answer = u.responder(recorded, u.requests.length);
        if (answer.delayMs) await delay(answer.delayMs);
        if (answer.destroy) {
          req.socket.destroy();
          return;
        }
        res.statusCode = answer.status ?? 200;
        for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
        res.end(answer.body ?? '');
      })().catch((err: unknown) => {
        res.statusCode = 599;
        res.end(`fake upstream failed: ${String(err)}`);
      });
    });
    // Portico keeps connections alive; a short keep-alive keeps closeAllConnections() the only cleanup needed.
    server.keepAliveTimeout = 2000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected listener address');
    upstream = new Upstream(server, address.port, responder);
    this.all.push(upstream);
    return upstream;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.all.map((u) => u.close()));
  }
}

function pairs(req: IncomingMessage): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) out.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
