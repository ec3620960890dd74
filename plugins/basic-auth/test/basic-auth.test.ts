import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import plugins from '../src/index.js';
import {
  buildMiddleware,
  checkExpectations,
  configErrorOf,
  createTestContext,
  fakeUpstream,
  findPlugin,
  loadMiddlewareCases,
  startHarness,
  type TestRequest,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'basicAuth');
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'portico-basic-auth-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Builds the middleware, serves one request through it to a fake upstream, returns everything observed. */
async function run(config: Record<string, unknown>, request: TestRequest, backend: { status?: number; body?: string } = { body: 'traefik\n' }) {
  const ctx = createTestContext();
  const mw = await buildMiddleware(plugin, config, ctx);
  const upstream = fakeUpstream({ status: backend.status ?? 200, body: backend.body ?? '' });
  const h = await startHarness({ middlewares: mw, terminal: upstream.handler });
  try {
    const res = await h.request(request);
    assert.deepEqual(h.errors, []);
    return { res, calls: upstream.calls, ex: h.exchanges[0], warnings: ctx.warnings };
  } finally {
    await h.close();
  }
}

describe('basicAuth conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('basicAuth');
  let passed = 0;
  after(() => console.log(`basicAuth conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      const config = { ...c.config };
      if (c.usersFileContent !== undefined) {
        const file = join(tmp, `${c.id}.htpasswd`);
        writeFileSync(file, c.usersFileContent);
        config.usersFile = file;
      }
      if (c.expect.configError !== undefined) {
        const err = await configErrorOf(plugin, config);
        assert.equal(err !== undefined, c.expect.configError, String(err?.message));
        passed++;
        return;
      }
      assert.ok(c.request !== null);
      const { res, calls, ex } = await run(config, { method: c.request.method, path: c.request.path, headers: c.request.headers, basicAuth: c.request.basicAuth }, c.backend);
      const unchecked = checkExpectations(assert, c, res, calls, ex);
      assert.deepEqual(unchecked, [], 'every expectation is checked');
      passed++;
    });
  }
});

describe('basicAuth options', () => {
  const alice = { username: 'alice', password: 'file-pass' };
  const cases: Array<{
    desc: string;
    config: Record<string, unknown>;
    request: TestRequest;
    status: number;
    check?: (r: Awaited<ReturnType<typeof run>>) => void;
  }> = [
    {
      desc: 'no credentials: 401 with the default realm, go-http-auth body and content type',
      config: { users: ['test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'] },
      request: {},
      status: 401,
      check: ({ res, calls }) => {
        assert.equal(res.headers['www-authenticate'], 'Basic realm="traefik"');
        assert.equal(res.headers['content-type'], 'text/plain');
        assert.equal(res.body, '401 Unauthorized\n');
        assert.equal(calls.length, 0);
      },
    },
    {
      desc: 'custom realm in the challenge',
      config: { users: ['test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'], realm: 'my realm' },
      request: { basicAuth: { username: 'test', password: 'bad' } },
      status: 401,
      check: ({ res }) => assert.equal(res.headers['www-authenticate'], 'Basic realm="my realm"'),
    },
    {
      desc: 'empty realm falls back to traefik',
      config: { users: ['test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'], realm: '' },
      request: {},
      status: 401,
      check: ({ res }) => assert.equal(res.headers['www-authenticate'], 'Basic realm="traefik"'),
    },
    {
      desc: 'HEAD gets the 401 head without a body',
      config: { users: ['test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'] },
      request: { method: 'HEAD' },
      status: 401,
      check: ({ res }) => assert.equal(res.body, ''),
    },
    {
      desc: 'success sets ex.user (access log ClientUsername)',
      config: { usersFile: fixture('users.htpasswd') },
      request: { basicAuth: alice },
      status: 200,
      check: ({ ex, calls }) => {
        assert.equal(ex.user, 'alice');
        assert.equal(calls[0].user, 'alice');
      },
    },
    {
      desc: 'failure leaves ex.user empty',
      config: { usersFile: fixture('users.htpasswd') },
      request: { basicAuth: { username: 'alice', password: 'nope' } },
      status: 401,
      check: ({ ex }) => assert.equal(ex.user, ''),
    },
    {
      desc: 'users file: SHA1 user with surrounding whitespace on its line',
      config: { usersFile: fixture('users.htpasswd') },
      request: { basicAuth: { username: 'shauser', password: 'sha-pass' } },
      status: 200,
    },
    {
      desc: 'users file: bcrypt ($2y$) user',
      config: { usersFile: fixture('users.htpasswd') },
      request: { basicAuth: { username: 'bob', password: 'bcrypt-pass' } },
      status: 200,
    },
    {
      desc: 'users file: comment lines are not users',
      config: { usersFile: fixture('users.htpasswd') },
      request: { basicAuth: { username: '# Users for basic-auth.test.ts. Passwords', password: 'x' } },
      status: 401,
    },
    {
      desc: 'users override a file user of the same name (old password refused)',
      config: { usersFile: fixture('users.htpasswd'), users: ['dup:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M='] },
      request: { basicAuth: { username: 'dup', password: 'file-pass' } },
      status: 401,
    },
    {
      desc: 'users override a file user of the same name (new password accepted)',
      config: { usersFile: fixture('users.htpasswd'), users: ['dup:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M='] },
      request: { basicAuth: { username: 'dup', password: 'test' } },
      status: 200,
    },
    {
      desc: 'headerField and removeHeader together',
      config: { usersFile: fixture('users.htpasswd'), headerField: 'X-WebAuth-User', removeHeader: true },
      request: { basicAuth: alice, headers: { 'x-webauth-user': 'mallory' } },
      status: 200,
      check: ({ calls }) => {
        assert.equal(calls[0].headers['x-webauth-user'], 'alice');
        assert.equal(calls[0].headers.authorization, undefined);
      },
    },
    {
      desc: 'a spoofed headerField is not forwarded when authentication fails',
      config: { usersFile: fixture('users.htpasswd'), headerField: 'X-WebAuth-User' },
      request: { headers: { 'x-webauth-user': 'alice' } },
      status: 401,
      check: ({ calls }) => assert.equal(calls.length, 0),
    },
    {
      desc: 'plain-text entry is accepted (as Traefik) with a warning, and never matches',
      config: { users: ['plain:secret'] },
      request: { basicAuth: { username: 'plain', password: 'secret' } },
      status: 401,
      check: ({ warnings }) => assert.match(warnings.join('\n'), /"plain".*can never authenticate/),
    },
    {
      desc: 'unknown user is refused (checked against a decoy hash)',
      config: { usersFile: fixture('users.htpasswd') },
      request: { basicAuth: { username: 'nobody', password: 'file-pass' } },
      status: 401,
    },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const r = await run(c.config, c.request);
      assert.equal(r.res.status, c.status);
      c.check?.(r);
    });
  }
});

describe('basicAuth configuration errors', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; path: string; message: RegExp }> = [
    { desc: 'no users at all', config: {}, path: 'users', message: /no users/ },
    { desc: 'user line without ":" names its index', config: { users: ['a:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/', 'broken'] }, path: 'users[1]', message: /users\[1\]: expected "name:hash"/ },
    { desc: 'user line with two ":"', config: { users: ['a:b:c'] }, path: 'users[0]', message: /exactly one ":"/ },
    { desc: 'bad line in the users file names file and line', config: { usersFile: fixture('bad-line.htpasswd') }, path: 'usersFile', message: /bad-line\.htpasswd line 2/ },
    { desc: 'unreadable users file', config: { usersFile: fixture('missing.htpasswd') }, path: 'usersFile', message: /cannot read users file/ },
    { desc: 'unknown option (strict decode)', config: { users: ['a:b'], realms: 'x' }, path: 'realms', message: /unknown key "realms"/ },
    { desc: 'wrong type', config: { users: 'a:b', removeHeader: 'maybe' }, path: 'removeHeader', message: /expected true or false/ },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const err = await configErrorOf(plugin, c.config);
      assert.ok(err !== undefined, 'configuration must be rejected');
      assert.equal(err.path, c.path);
      assert.match(err.message, c.message);
      assert.doesNotMatch(err.message, /\$apr1\$/, 'error messages never quote a hash');
    });
  }
});
