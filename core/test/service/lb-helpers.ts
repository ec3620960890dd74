// Real-socket helpers for the loadBalancer tests (helpers.ts holds the weighted/mirroring/failover ones): a
// front server that runs a service handler per request (failures answered by answerFailure, as the
// entrypoint does), and named upstreams that can die and come back on the same port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import { Exchange, type Handler } from '../../src/http/exchange.js';
import { answerFailure } from '../../src/http/answer-failure.js';

export interface Front {
  url: string;
  close(): Promise<void>;
}

export async function startFront(handler: Handler): Promise<Front> {
  const server = http.createServer((req, res) => {
    const ex = new Exchange(req, res, 'web', req.socket.remoteAddress ?? '', false, process.hrtime.bigint());
    Promise.resolve()
      .then(() => handler(ex))
      .catch((err) => answerFailure(ex, err));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Backend {
  name: string;
  url: string;
  port: number;
  /** Requests answered since start (health checks excluded). */
  hits: number;
  /** Health-check requests received (paths starting with /health). */
  checks: number;
  /** What the last health check looked like. */
  lastCheck: { host?: string; method?: string; url?: string; custom?: string };
  /** Status the health endpoint answers (default 200). */
  healthStatus: number;
  /** Status the traffic endpoint answers (default 200). */
  status: number;
  /** Delay before answering traffic, ms. */
  delayMs: number;
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/** An upstream answering its name; paths under `/health` are its health endpoint. */
export async function startBackend(name: string, port = 0): Promise<Backend> {
  let server: http.Server | undefined;
  const b: Backend = {
    name,
    url: '',
    port,
    hits: 0,
    checks: 0,
    lastCheck: {},
    healthStatus: 200,
    status: 200,
    delayMs: 0,
    async start() {
      const srv = http.createServer((req, res) => {
        if (req.url?.startsWith('/health')) {
          b.checks++;
          b.lastCheck = { host: req.headers.host, method: req.method, url: req.url, custom: req.headers['x-custom'] as string | undefined };
          res.writeHead(b.healthStatus, b.healthStatus >= 300 && b.healthStatus < 400 ? { location: '/elsewhere' } : {}).end('health');
          return;
        }
        b.hits++;
        const answer = () => res.writeHead(b.status, { 'content-type': 'text/plain', 'x-server': name }).end(name);
        if (b.delayMs > 0) setTimeout(answer, b.delayMs);
        else answer();
      });
      srv.keepAliveTimeout = 1000;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(b.port, '127.0.0.1', () => resolve());
      });
      server = srv;
      b.port = (srv.address() as AddressInfo).port;
      b.url = `http://127.0.0.1:${b.port}`;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        const srv = server;
        server = undefined;
        if (srv === undefined) return resolve();
        srv.close(() => resolve());
        srv.closeAllConnections();
      }),
  };
  await b.start();
  return b;
}

/** A dispatcherFor that creates one pool per origin; close() destroys them all. */
export function pools(): { dispatcherFor: (origin: string) => Dispatcher; close(): Promise<void> } {
  const map = new Map<string, Pool>();
  return {
    dispatcherFor(origin) {
      let p = map.get(origin);
      if (p === undefined) map.set(origin, (p = new Pool(origin, { keepAliveTimeout: 500 })));
      return p;
    },
    close: async () => {
      await Promise.all([...map.values()].map((p) => p.destroy()));
    },
  };
}

/** GETs a URL: status, body, headers. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text(), headers: res.headers };
}
