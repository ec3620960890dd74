// Baseline: Fastify with @fastify/http-proxy (undici underneath), logging off.
// Usage: node fastify-proxy.mjs <port> <upstreamOrigin>
import Fastify from 'fastify';
import proxy from '@fastify/http-proxy';

const port = Number(process.argv[2]);
const app = Fastify({ logger: false, keepAliveTimeout: 60_000 });
await app.register(proxy, { upstream: process.argv[3], undici: { connections: 128, pipelining: 1 } });
await app.listen({ port, host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
