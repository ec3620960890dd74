// HTTPS upstreams: verified against Node's roots plus serversTransport.rootCAs; an unknown CA is refused (502)
// unless insecureSkipVerify. The certificates are fixtures signed by a test CA (valid for 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startPortico } from '../helpers/portico-process.js';
import { PortReservations } from '../helpers/ports.js';

const tlsDir = join(repoRoot, 'test/integration/fixtures/tls');

const cases = [
  { desc: 'unknown CA: refused, 502', transport: {}, status: 502 },
  { desc: 'CA given as a file in rootCAs: served', transport: { rootCAs: [join(tlsDir, 'ca.pem')] }, status: 200 },
  { desc: 'CA given inline in rootCAs: served', transport: { rootCAs: [readFileSync(join(tlsDir, 'ca.pem'), 'utf8')] }, status: 200 },
  { desc: 'insecureSkipVerify: served', transport: { insecureSkipVerify: true }, status: 200 },
];

for (const c of cases) {
  test(`https upstream: ${c.desc}`, async (t) => {
    const upstream = createServer({ key: readFileSync(join(tlsDir, 'server.key')), cert: readFileSync(join(tlsDir, 'server.pem')) }, (_req, res) => res.end('secure'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as { port: number }).port;
    const ports = new PortReservations();
    const web = await ports.reserve();
    const api = await ports.reserve();
    await ports.releaseAll();
    const portico = await startPortico({
      apiPort: api,
      staticConfig: {
        entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
        api: { insecure: true },
        serversTransport: c.transport,
      },
      dynamicConfig: { http: { routers: { r: { rule: 'PathPrefix(`/`)', service: 's', entryPoints: ['web'] } }, services: { s: { loadBalancer: { servers: [{ url: `https://127.0.0.1:${port}` }] } } } } },
    });
    t.after(async () => {
      await portico.stop();
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    });
    await portico.waitForRouters(2);
    const res = await fetch(`http://127.0.0.1:${web}/`);
    assert.equal(res.status, c.status, `${c.desc}: ${await res.text()}`);
  });
}
