import http from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, Server } from 'node:http';
import { Duplex } from 'node:stream';

/**
 * HTTP/1.1 over an in-memory connection — no sockets, no ports.
 *
 * Why real `http.IncomingMessage`/`ServerResponse` objects and not look-alikes: middlewares touch far more of
 * them than Exchange declares (`req` as a readable body stream with its events, `res.headersSent`,
 * `res.destroyed`, `flushHeaders`, `'close'`/`'drain'`, HEAD handling, chunked framing), and a fake that gets
 * one of those slightly wrong makes a test pass that the proxy fails. Here the request is serialized by Node's
 * own client (`http.request` with `createConnection`), parsed by Node's own server parser (an `http.Server`
 * that never listens; the connection is handed to it with `emit('connection')`, which is what `net` does), and
 * the bytes the response writes are parsed back by Node's client parser. The only fake is the wire: a pair of
 * Duplex streams, each one's writes pushed into the other's readable side.
 */
export function memoryConnection(remoteAddress = '127.0.0.1'): { client: Duplex; server: Duplex } {
  let client: Duplex;
  let server: Duplex;
  const end = (peer: () => Duplex) => {
    const p = peer();
    if (!p.readableEnded && !p.destroyed) p.push(null);
  };
  const make = (peer: () => Duplex): Duplex => {
    const d = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        const p = peer();
        if (!p.destroyed) p.push(chunk);
        cb();
      },
      final(cb) {
        end(peer);
        cb();
      },
      // A destroyed side is a closed connection: the peer reads end-of-stream (its buffered bytes stay readable).
      destroy(err, cb) {
        end(peer);
        cb(err);
      },
    });
    // What http.Server and ClientRequest call on a net.Socket; there is no kernel socket to tune.
    const self = d as unknown as Record<string, unknown>;
    self.setTimeout = () => d;
    self.setNoDelay = () => d;
    self.setKeepAlive = () => d;
    self.ref = () => d;
    self.unref = () => d;
    return d;
  };
  client = make(() => server);
  server = make(() => client);
  Object.assign(server, { remoteAddress, remotePort: 40000, remoteFamily: remoteAddress.includes(':') ? 'IPv6' : 'IPv4', localAddress: '127.0.0.1', localPort: 80, encrypted: false });
  Object.assign(client, { remoteAddress: '127.0.0.1', remotePort: 80, localAddress: remoteAddress, localPort: 40000 });
  return { client, server };
}

/** A request as written on the wire. */
export interface WireRequest {
  method: string;
  /** Request-target, sent as is (query included). */
  path: string;
  /** Header lines; an array means repeated lines. */
  headers: OutgoingHttpHeaders;
  /** A Buffer is sent with Content-Length; a list of chunks is sent chunked, one write per chunk. */
  body?: Buffer | Buffer[];
}

/** A response as the client parsed it. */
export interface WireResponse {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  /** Header names and values as sent, in order. */
  rawHeaders: string[];
  body: Buffer;
  /** Body pieces in arrival order (a streamed response arrives in several). */
  chunks: Buffer[];
  /** True when the connection closed before the response was complete (a middleware cut it). */
  aborted: boolean;
}

/**
 * Sends one request to `server` over a fresh in-memory connection and resolves with the parsed response.
 * `onServerSocket` gets the server side before any byte is written, so the caller can tie the request the
 * server will see to this call.
 */
export function sendOverMemory(server: Server, req: WireRequest, clientIp: string, onServerSocket: (socket: Duplex) => void): { response: Promise<WireResponse>; abort: () => void } {
  const { client, server: serverSide } = memoryConnection(clientIp);
  onServerSocket(serverSide);
  server.emit('connection', serverSide);
  let abort = () => {};
  const response = new Promise<WireResponse>((resolve, reject) => {
    const creq = http.request({ method: req.method, path: req.path, headers: req.headers, createConnection: () => client as never }, (res) => {
      const chunks: Buffer[] = [];
      let done = false;
      const finish = (aborted: boolean) => {
        if (done) return;
        done = true;
        resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks), chunks, aborted });
      };
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish(!res.complete));
      res.on('error', () => finish(true));
      res.on('close', () => finish(!res.complete));
    });
    creq.on('error', (err) => reject(Object.assign(new Error(`the connection closed before a response head arrived: ${err.message}`), { cause: err, code: 'NO_RESPONSE' })));
    abort = () => creq.destroy(new Error('aborted by the test kit'));
    if (req.body === undefined) creq.end();
    else if (Buffer.isBuffer(req.body)) creq.end(req.body);
    else {
      for (const chunk of req.body) creq.write(chunk);
      creq.end();
    }
  });
  return { response, abort };
}
