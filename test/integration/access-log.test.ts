// Access logs in Traefik's formats, written by the real `portico` to a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortico } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';
import { startUpstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/poll.js';

const formats = [
  {
    desc: 'common (CLF + count, router, server URL, duration)',
    format: 'common',
    check: (line: string, upstream: string) =>
      assert.match(line, new RegExp(`^127\\.0\\.0\\.1 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\] "GET /logged\\?q=1 HTTP/1\\.1" 200 \\d+ "-" "test-agent" \\d+ "r@file" "${upstream.replace(/[.]/g, '\\.')}" \\d+ms$`)),
  },
  {
    desc: 'genericCLF',
    format: 'genericCLF',
    check: (line: string) => assert.match(line, /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/logged\?q=1 HTTP\/1\.1" 200 \d+ "-" "test-agent"$/),
  },
  {
    desc: 'json with Traefik field names',
    format: 'json',
    check: (line: string, upstream: string) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const want = { ClientHost: '127.0.0.1', DownstreamStatus: 200, RequestMethod: 'GET', RequestPath: '/logged?q=1', RouterName: 'r@file', ServiceName: 'svc@file', ServiceURL: upstream, entryPointName: 'web', RetryAttempts: 0 };
      for (const [k, v] of Object.entries(want)) assert.deepEqual(entry[k], v, k);
      assert.equal(typeof entry.Duration, 'number');
    },
  },
];

for (const f of formats) {
  test(`access log: ${f.desc}`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'portico-accesslog-'));
    const upstream = await startUpstream();
    const ports = new PortReservations();
    const web = await ports.reserve();
    const api = await ports.reserve();
    await ports.releaseAll();
    const logFile = join(dir, 'access.log');
    const portico = await startPortico({
      apiPort: api,
      staticConfig: {
        entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
        api: { insecure: true },
        accessLog: { filePath: logFile, format: f.format, filters: { statusCodes: ['200-299'] } },
      },
      dynamicConfig: { http: { routers: { r: { rule: 'PathPrefix(`/logged`)', service: 'svc', entryPoints: ['web'] } }, services: { svc: { loadBalancer: { servers: [{ url: upstream.url }] } } } } },
    });
    t.after(async () => {
      await portico.stop();
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    });
    await portico.waitForRouters(2);
    await (await fetch(`http://127.0.0.1:${web}/unrouted`, { headers: { 'user-agent': 'test-agent' } })).text(); // 404: filtered out
    await (await fetch(`http://127.0.0.1:${web}/logged?q=1`, { headers: { 'user-agent': 'test-agent' } })).text();
    const lines = await waitFor(
      async () => {
        const text = await readFile(logFile, 'utf8').catch(() => '');
        const ls = text.split('\n').filter((l) => l.includes('/logged'));
        return ls.length > 0 ? text.split('\n').filter((l) => l !== '') : undefined;
      },
      { message: 'the access log line is written', timeoutMs: 5000 },
    );
    assert.equal(lines.length, 1, `only the 2xx request is kept by the filter: ${lines.join('\n')}`);
    f.check(lines[0], upstream.url);
  });
}
