// The README's main job, end to end: the shipped example (examples/basic) run by the real `portico` command
// serves a request through basicAuth and stripPrefix to a local upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../helpers/portico-process.js';
import { runExample } from '../helpers/example-run.js';
import { startUpstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/poll.js';

test('examples/basic: basicAuth + stripPrefix to a local upstream', async (t) => {
  const upstream = await startUpstream();
  // The example as shipped, with the upstream port it names replaced by this test's upstream.
  const { portico, web, api } = await runExample(t, {
    name: 'example-basic',
    upstream,
    prepare: (dir) => cp(join(repoRoot, 'examples/basic'), dir, { recursive: true }),
  });
  await portico.waitForRouters(1);

  const cases = [
    { desc: 'no credentials: 401 with the realm', auth: undefined, path: '/api/hello', status: 401, upstreamPath: undefined },
    { desc: 'wrong password: 401', auth: 'test:nope', path: '/api/hello', status: 401, upstreamPath: undefined },
    { desc: 'good credentials: prefix stripped upstream', auth: 'test:test', path: '/api/hello?x=1', status: 200, upstreamPath: '/hello?x=1' },
    { desc: 'outside the router: 404', auth: 'test:test', path: '/other', status: 404, upstreamPath: undefined },
  ];
  for (const c of cases) {
    const before = upstream.received.length;
    const headers: Record<string, string> = {};
    if (c.auth) headers.authorization = `Basic ${Buffer.from(c.auth).toString('base64')}`;
    const res = await fetch(`http://127.0.0.1:${web}${c.path}`, { headers });
    await res.arrayBuffer();
    assert.equal(res.status, c.status, c.desc);
    if (c.status === 401) assert.equal(res.headers.get('www-authenticate'), 'Basic realm="traefik"', c.desc);
    if (c.upstreamPath !== undefined) {
      assert.equal(upstream.received.length, before + 1, c.desc);
      const got = upstream.received.at(-1)!;
      assert.equal(got.url, c.upstreamPath, c.desc);
      assert.equal(got.headers['x-forwarded-prefix'], '/api', c.desc);
    } else {
      assert.equal(upstream.received.length, before, `${c.desc}: upstream not called`);
    }
  }
  // The ping endpoint from the example's static config.
  const ping = await waitFor(async () => (await fetch(`http://127.0.0.1:${api}/ping`)).status === 200, { message: '/ping answers 200' });
  assert.equal(ping, true);
});
