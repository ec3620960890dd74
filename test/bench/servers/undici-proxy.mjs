// Baseline: the naive proxy anyone would write first: node:http in front, undici's pooled client behind,
// bodies streamed both ways, hop-by-hop headers dropped. No routing, no middlewares.
// Usage: node undici-proxy.mjs <port> <upstreamOrigin>
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';

const port = Number(process.argv[2]);
const pool = new Pool(process.argv[3], { connections: 128, pipelining: 1 });
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

function copyHeaders(raw) {
  const out = {};
  for (const key of Object.keys(raw)) if (!HOP.has(key)) out[key] = raw[key];
  return out;
}

const server = createServer((req, res) => {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  pool.request({ path: req.url, method: req.method, headers: copyHeaders(req.headers), body: hasBody ? req : undefined }).then(
    (up) => {
      res.writeHead(up.statusCode, copyHeaders(up.headers));
      pipeline(up.body, res, () => undefined);
    },
    () => {
      res.statusCode = 502;
      res.end();
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
