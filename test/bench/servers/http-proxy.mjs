// Baseline: the `http-proxy` package (node-http-proxy) with a keep-alive agent to the upstream.
// Usage: node http-proxy.mjs <port> <upstreamOrigin>
import { Agent, createServer } from 'node:http';
import httpProxy from 'http-proxy';

const port = Number(process.argv[2]);
const proxy = httpProxy.createProxyServer({ target: process.argv[3], agent: new Agent({ keepAlive: true, maxSockets: 128 }) });
proxy.on('error', (_err, _req, res) => {
  if (!res.headersSent) res.writeHead(502);
  res.end();
});
const server = createServer((req, res) => proxy.web(req, res));
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
