// Generated Traefik-format configuration: static file, dynamic file, YAML round trip.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { ConfigBuilder } from './config-builder.js';
import { PortReservations } from '../helpers/ports.js';

describe('ConfigBuilder', () => {
  test('writes static and dynamic YAML that parse back to the Traefik shape', async () => {
    const ports = new PortReservations();
    const dir = await mkdtemp(join(tmpdir(), 'conformance-config-test-'));
    try {
      const b = new ConfigBuilder(ports);
      const p1 = await b.addEntryPoint('ep1');
      const p2 = await b.addEntryPoint('ep2');
      assert.notEqual(p1, p2);
      const longRule = `Host(\`example.com\`) && ${'PathPrefix(`/a`) || '.repeat(10)}Header(\`X-A\`, \`"quoted" 'single'\`)`;
      b.addService('s1', ['http://127.0.0.1:1', 'http://127.0.0.1:2']);
      b.addRouter('r1', 'ep1', { rule: longRule, ruleSyntax: 'v2', priority: 5, middlewares: ['m1'], service: 's1' });
      b.addRouter('r2', 'ep2', { rule: 'Path(`/`)', ruleSyntax: 'v3', service: 's1' });
      b.addMiddleware('m1', 'headers', { customRequestHeaders: { 'X-Forwarded-For': '' } });
      assert.equal(b.routerCount, 2);
      assert.throws(() => b.addRouter('r3', 'nope', { rule: 'Path(`/`)', service: 's1' }), /unknown entrypoint/);

      const staticFile = await b.write(dir, 9999);
      const staticConfig = parse(await readFile(staticFile, 'utf8'));
      assert.deepEqual(staticConfig.entryPoints, {
        traefik: { address: '127.0.0.1:9999' },
        ep1: { address: `127.0.0.1:${p1}` },
        ep2: { address: `127.0.0.1:${p2}` },
      });
      assert.deepEqual(staticConfig.api, { insecure: true });
      assert.deepEqual(staticConfig.log, { level: 'ERROR' });
      assert.equal(staticConfig.providers.file.watch, false);

      const dynamic = parse(await readFile(staticConfig.providers.file.filename, 'utf8'));
      assert.deepEqual(dynamic.http.routers.r1, { entryPoints: ['ep1'], rule: longRule, ruleSyntax: 'v2', priority: 5, middlewares: ['m1'], service: 's1' });
      // v3 is the default syntax: not written.
      assert.deepEqual(dynamic.http.routers.r2, { entryPoints: ['ep2'], rule: 'Path(`/`)', service: 's1' });
      assert.deepEqual(dynamic.http.services.s1.loadBalancer.servers, [{ url: 'http://127.0.0.1:1' }, { url: 'http://127.0.0.1:2' }]);
      assert.deepEqual(dynamic.http.middlewares.m1, { headers: { customRequestHeaders: { 'X-Forwarded-For': '' } } });
    } finally {
      await ports.releaseAll();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('reserved ports stay bound until released', async () => {
    const ports = new PortReservations();
    const port = await ports.reserve();
    const { createServer } = await import('node:net');
    const probe = createServer();
    const bindError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      probe.once('error', resolve);
      probe.listen(port, '127.0.0.1', () => resolve(undefined));
    });
    assert.equal(bindError?.code, 'EADDRINUSE');
    await ports.releaseAll();
    assert.equal(ports.count, 0);
  });
});
