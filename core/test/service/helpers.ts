// Test doubles for service kinds: child services with a settable health, a minimal exchange, and an in-process
// HTTP server that runs a service handler on real sockets (what the entrypoint does, minus routing).
import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Exchange, type Handler } from '../../src/http/exchange.js';
import { UpstreamError } from '../../src/http/upstream-error.js';
import { ALWAYS_HEALTHY } from '../../src/service/service-status.js';
import { StatusCell } from '../../src/service/status-cell.js';
import type { ChildService } from '../../src/service/service-build.js';

export interface FakeChild extends ChildService {
  calls: number;
  /** Sets the health the child reports (only for health-checked children). */
  setHealthy(up: boolean): void;
}

/** A child service that counts the requests it gets and answers nothing; health-checked unless told otherwise. */
export function fakeChild(name: string, path: string, opts: { healthChecked?: boolean; healthy?: boolean } = {}): FakeChild {
  const healthChecked = opts.healthChecked ?? true;
  const cell = new StatusCell(opts.healthy ?? true);
  const child: FakeChild = {
    name,
    path,
    calls: 0,
    healthChecked,
    status: healthChecked ? cell : ALWAYS_HEALTHY,
    handler: () => {
      child.calls++;
    },
    setHealthy: (up) => cell.set(up),
  };
  return child;
}

/** The fields of an Exchange the balancers read (headers, response-head modifiers), with the Set-Cookie they add. */
export function fakeExchange(headers: Record<string, string> = {}): Exchange & { responseHeaders(): OutgoingHttpHeaders } {
  const modifiers: ((status: number, h: OutgoingHttpHeaders, ex: Exchange) => void)[] = [];
  const ex = {
    headers,
    onResponseHead: (m: (typeof modifiers)[number]) => modifiers.push(m),
    responseHeaders() {
      const h: OutgoingHttpHeaders = {};
      for (const m of modifiers) m(200, h, ex as unknown as Exchange);
      return h;
    },
  };
  return ex as unknown as Exchange & { responseHeaders(): OutgoingHttpHeaders };
}

/** Serves `handler` on 127.0.0.1 as the entrypoint would: one Exchange per request, UpstreamError → its status. */
export async function serveHandler(handler: Handler): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const ex = new Exchange(req, res, 'web', req.socket.remoteAddress ?? '', false, process.hrtime.bigint());
    Promise.resolve()
      .then(() => handler(ex))
      .catch((err: unknown) => {
        const status = err instanceof UpstreamError ? err.status : 500;
        ex.respond(status, String((err as Error).message));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
