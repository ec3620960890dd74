// The example middleware (assembly/index.ts, built by `pnpm build`) gives the same answers under Portico's
// host and under the official @extism/extism SDK, request by request; and those answers are the API-key gate
// the README describes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleModule, startBothHosts, type HostsUnderTest, type Outcome, type ProbeRequest } from './support.js';

const watch = {
  request: ['x-api-key', 'x-internal-secret', 'x-wasm-mw', 'x-other'],
  response: ['x-wasm-served', 'content-type'],
};

interface Case {
  desc: string;
  req: ProbeRequest;
  /** The fields of the outcome this case is about (both hosts must also agree on everything else). */
  expect: Partial<Outcome>;
}

const FORBIDDEN = '{"error":"forbidden","reason":"x-api-key missing or wrong"}';

const suites: Array<{ desc: string; config: Record<string, string>; options?: Record<string, string>; cases: Case[] }> = [
  {
    desc: 'apiKey "sekret", tag "demo", default prefix /admin',
    config: { apiKey: 'sekret', tag: 'demo' },
    cases: [
      {
        desc: 'a public path is forwarded without x-internal-secret, with x-wasm-mw, and the response marked',
        req: { path: '/public/page', headers: { 'x-internal-secret': 'leak', 'x-other': 'kept' } },
        expect: {
          status: 200,
          upstreamCalled: true,
          forwardedPath: '/public/page',
          forwardedHeaders: { 'x-api-key': undefined, 'x-internal-secret': undefined, 'x-wasm-mw': 'demo', 'x-other': 'kept' },
          responseHeaders: { 'x-wasm-served': 'yes', 'content-type': 'text/plain' },
        },
      },
      {
        desc: '/admin without a key is answered 403 by the module',
        req: { path: '/admin' },
        expect: { status: 403, body: FORBIDDEN, upstreamCalled: false, responseHeaders: { 'x-wasm-served': undefined, 'content-type': 'application/json' } },
      },
      {
        desc: 'below /admin with a wrong key: 403',
        req: { path: '/admin/users?page=2', headers: { 'x-api-key': 'guess' } },
        expect: { status: 403, body: FORBIDDEN, upstreamCalled: false },
      },
      {
        desc: 'below /admin with the right key: forwarded (query kept), secret removed',
        req: { method: 'POST', path: '/admin/users?page=2', headers: { 'x-api-key': 'sekret', 'x-internal-secret': 's' } },
        expect: {
          status: 200,
          upstreamCalled: true,
          forwardedPath: '/admin/users?page=2',
          forwardedHeaders: { 'x-api-key': 'sekret', 'x-internal-secret': undefined, 'x-wasm-mw': 'demo', 'x-other': undefined },
        },
      },
      {
        desc: '/administrator is not below /admin',
        req: { path: '/administrator' },
        expect: { status: 200, upstreamCalled: true, forwardedPath: '/administrator' },
      },
      {
        desc: 'a client-sent x-wasm-mw is replaced',
        req: { path: '/x', headers: { 'x-wasm-mw': 'spoofed' } },
        expect: { upstreamCalled: true, forwardedHeaders: { 'x-api-key': undefined, 'x-internal-secret': undefined, 'x-wasm-mw': 'demo', 'x-other': undefined } },
      },
    ],
  },
  {
    desc: 'prefix /private from the element options, no apiKey configured, default tag',
    config: {},
    options: { protectedPrefix: '/private/' },
    cases: [
      { desc: 'with no apiKey configured nothing opens the prefix', req: { path: '/private/x', headers: { 'x-api-key': '' } }, expect: { status: 403, upstreamCalled: false } },
      {
        desc: '/admin is no longer protected; the tag defaults to "assemblyscript"',
        req: { path: '/admin' },
        expect: { status: 200, upstreamCalled: true, forwardedHeaders: { 'x-api-key': undefined, 'x-internal-secret': undefined, 'x-wasm-mw': 'assemblyscript', 'x-other': undefined } },
      },
    ],
  },
];

let bytes: Uint8Array;
before(async () => {
  bytes = await exampleModule();
});

for (const suite of suites) {
  describe(`example middleware, ${suite.desc}`, () => {
    let hosts: HostsUnderTest;
    before(async () => {
      hosts = await startBothHosts(bytes, suite.config, watch, suite.options);
    });
    after(async () => {
      await hosts?.close();
    });

    for (const c of suite.cases) {
      test(c.desc, async () => {
        const portico = await hosts.portico(c.req);
        const reference = await hosts.reference(c.req);
        assert.deepEqual(portico, reference, 'Portico host and @extism/extism disagree');
        for (const [key, value] of Object.entries(c.expect)) {
          assert.deepEqual(portico[key as keyof Outcome], value, key);
        }
      });
    }

    test('nothing failed on either host', () => {
      assert.deepEqual(hosts.logs.filter((l) => l.level === 'error'), []);
      assert.deepEqual(hosts.referenceLogs.filter((l) => l.level === 'error'), []);
    });
  });
}
