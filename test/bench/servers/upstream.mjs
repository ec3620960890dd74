// Fallback upstream when nginx is not installed: node:http answering from a prebuilt buffer.
// Usage: node upstream.mjs <port>   (GET /16k answers 16 KiB, anything else a small body)
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const small = Buffer.from('hello world\n');
const large = Buffer.alloc(16384, 'x');

const server = createServer((req, res) => {
  req.resume();
  const body = req.url.endsWith('/16k') ? large : small;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.maxRequestsPerSocket = 0;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
