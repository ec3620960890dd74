// A tiny upstream for the example: answers with what it received, as JSON.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 9001);
createServer((req, res) => {
  const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers }, null, 2);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body + '\n');
}).listen(port, '127.0.0.1', () => console.log(`echo upstream on http://127.0.0.1:${port}`));
