// Baseline: a bare node:http server answering every request itself (no proxying): Node's own floor.
// Usage: node hello.mjs <port> <bodyBytes>
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const body = Buffer.alloc(Number(process.argv[3] ?? 12), 'x');
const headers = { 'content-type': 'text/plain', 'content-length': String(body.length) };

const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
