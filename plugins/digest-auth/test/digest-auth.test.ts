import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  type Harness,
  type UpstreamCall,
} from '../../../test/helpers/middleware-harness.js';
import { authorization, digestRequest, md5, parseChallenge, type DigestAnswer } from './digest-client.js';

const plugin = findPlugin(plugins, 'digestAuth');
const tmp = mkdtempSync(join(tmpdir(), 'portico-digest-auth-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** test:test in realm traefik (Traefik's docs and tests). */
const TEST_USER = 'test:traefik:a2688e031edb4be6a3797f3882655c05';

async function withHarness<T>(config: Record<string, unknown>, fn: (h: Harness, calls: UpstreamCall[]) => Promise<T>): Promise<T> {
  const mw = await buildMiddleware(plugin, config, createTestContext());
  const upstream = fakeUpstream({ status: 200, body: 'traefik\n' });
  const h = await startHarness({ middlewares: mw, terminal: upstream.handler });
  try {
    const out = await fn(h, upstream.calls);
    assert.deepEqual(h.errors, []);
    return out;
  } finally {
    await h.close();
  }
}

describe('digestAuth conformance (middlewares.json)', () => {
  const cases = loadMiddlewareCases('digestAuth');
  let passed = 0;
  after(() => console.log(`digestAuth conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, async () => {
      const config = { ...c.config };
      if (c.usersFileContent !== undefined) {
        const file = join(tmp, `${c.id}.htdigest`);
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
      const r = c.request as typeof c.request & { digestAuth?: { username: string; password: string } };
      await withHarness(config, async (h, calls) => {
        const res = r.digestAuth !== undefined
          ? (await digestRequest(h, { method: r.method, path: r.path, headers: r.headers as Record<string, string>, ...r.digestAuth })).res
          : await h.request({ method: r.method, path: r.path, headers: r.headers, basicAuth: r.basicAuth });
        const unchecked = checkExpectations(assert, c, res, calls, h.exchanges.at(-1));
        assert.deepEqual(unchecked, [], `unchecked expectations: ${unchecked.join(', ')}`);
      });
      passed++;
    });
  }
});

describe('digestAuth challenge', () => {
  test('a request without credentials gets the 401 challenge of go-http-auth', async () => {
    await withHarness({ users: [TEST_USER], realm: 'traefik' }, async (h, calls) => {
      const res = await h.request({ path: '/' });
      assert.equal(res.status, 401);
      assert.equal(res.body, '401 Unauthorized\n');
      assert.equal(res.headers['content-type'], 'text/plain');
      assert.match(String(res.headers['www-authenticate']), /^Digest realm="traefik", nonce="[A-Za-z0-9+/]{16}", opaque="[A-Za-z0-9+/]{16}", algorithm="MD5", qop="auth"$/);
      assert.equal(calls.length, 0);
    });
  });

  test('each challenge has a fresh nonce and the same opaque', async () => {
    await withHarness({ users: [TEST_USER] }, async (h) => {
      const a = parseChallenge((await h.request()).headers['www-authenticate']);
      const b = parseChallenge((await h.request()).headers['www-authenticate']);
      assert.notEqual(a.nonce, b.nonce);
      assert.equal(a.opaque, b.opaque);
    });
  });

  test('the configured realm is announced', async () => {
    await withHarness({ users: ['u:my realm:x'], realm: 'my realm' }, async (h) => {
      assert.equal(parseChallenge((await h.request()).headers['www-authenticate']).realm, 'my realm');
    });
  });
});

describe('digestAuth answers', () => {
  /** Each case: the answer to a fresh challenge (uri defaults to the request path) and the expected status. */
  const cases: Array<{ desc: string; path?: string; method?: string; answer: Partial<DigestAnswer>; status: number; stale?: boolean; nonce?: string }> = [
    { desc: 'right password', answer: {}, status: 200 },
    { desc: 'wrong password', answer: { password: 'nope' }, status: 401 },
    { desc: 'unknown user', answer: { username: 'foo', password: 'foo' }, status: 401 },
    { desc: 'algorithm left out (assumed MD5)', answer: { override: { algorithm: null } }, status: 200 },
    { desc: 'algorithm other than MD5', answer: { override: { algorithm: 'SHA-256' } }, status: 401 },
    { desc: 'qop left out', answer: { override: { qop: null } }, status: 401 },
    { desc: 'wrong opaque', answer: { override: { opaque: 'AAAAAAAAAAAAAAAA' } }, status: 401 },
    { desc: 'nonce the server never issued: stale', nonce: 'bm90LWEtbm9uY2UhIQ==', answer: {}, status: 401, stale: true },
    { desc: 'nc that is not hexadecimal', answer: { nc: 'zz' }, status: 401 },
    { desc: 'uri equal to the request-target with its query', path: '/a/b?x=1', answer: { uri: '/a/b?x=1' }, status: 200 },
    { desc: 'uri a path prefix of the request path (go-http-auth leniency)', path: '/a/b', answer: { uri: '/a' }, status: 200 },
    { desc: 'uri naming another path', path: '/a/b', answer: { uri: '/c' }, status: 401 },
    { desc: 'uri longer than the request path', path: '/a', answer: { uri: '/a/b' }, status: 401 },
    { desc: 'POST with the method in HA2', method: 'POST', answer: { method: 'POST' }, status: 200 },
    { desc: 'response computed for another method', method: 'POST', answer: { method: 'GET' }, status: 401 },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      await withHarness({ users: [TEST_USER] }, async (h, calls) => {
        const path = c.path ?? '/';
        const first = await h.request({ method: c.method, path });
        const challenge = parseChallenge(first.headers['www-authenticate']);
        if (c.nonce !== undefined) challenge.nonce = c.nonce;
        const auth = authorization(challenge, { username: 'test', password: 'test', uri: path, method: c.method, ...c.answer });
        const res = await h.request({ method: c.method, path, headers: { authorization: auth } });
        assert.equal(res.status, c.status);
        assert.equal(calls.length, c.status === 200 ? 1 : 0);
        if (res.status === 401) {
          assert.equal(parseChallenge(res.headers['www-authenticate']).stale, c.stale ? 'true' : undefined);
        }
      });
    });
  }

  test('nonce counts must grow: a replay gets a stale challenge, the next count is accepted', async () => {
    await withHarness({ users: [TEST_USER] }, async (h) => {
      const challenge = parseChallenge((await h.request()).headers['www-authenticate']);
      const send = (nc: string) =>
        h.request({ headers: { authorization: authorization(challenge, { username: 'test', password: 'test', uri: '/', nc, cnonce: 'c' }) } });
      assert.equal((await send('00000001')).status, 200);
      const replay = await send('00000001');
      assert.equal(replay.status, 401);
      assert.equal(parseChallenge(replay.headers['www-authenticate']).stale, 'true');
      assert.equal((await send('00000002')).status, 200);
      assert.equal((await send('00000001')).status, 401);
    });
  });

  test('success sets the user and the header field, replacing a client-supplied one', async () => {
    await withHarness({ users: [TEST_USER], headerField: 'X-WebAuth-User' }, async (h, calls) => {
      const { res } = await digestRequest(h, { username: 'test', password: 'test', headers: { 'x-webauth-user': 'admin' } });
      assert.equal(res.status, 200);
      assert.equal(calls[0].headers['x-webauth-user'], 'test');
      assert.equal(calls[0].user, 'test');
      assert.ok(calls[0].headers.authorization?.toString().startsWith('Digest '));
    });
  });

  test('removeHeader drops Authorization before forwarding', async () => {
    await withHarness({ users: [TEST_USER], removeHeader: true }, async (h, calls) => {
      const { res } = await digestRequest(h, { username: 'test', password: 'test' });
      assert.equal(res.status, 200);
      assert.equal(calls[0].headers.authorization, undefined);
    });
  });

  test('a user of another realm cannot authenticate', async () => {
    await withHarness({ users: ['test:other:' + md5('test:other:test')] }, async (h) => {
      const { res } = await digestRequest(h, { username: 'test', password: 'test' });
      assert.equal(res.status, 401);
    });
  });

  test('an entry with an empty HA1 never authenticates (the empty secret would be guessable)', async () => {
    await withHarness({ users: ['test:traefik:'] }, async (h) => {
      const challenge = parseChallenge((await h.request()).headers['www-authenticate']);
      const ha2 = md5('GET:/');
      const response = md5(`:${challenge.nonce}:00000001:c:auth:${ha2}`);
      const auth = authorization(challenge, { username: 'test', password: '', uri: '/', cnonce: 'c', override: { response } });
      assert.equal((await h.request({ headers: { authorization: auth } })).status, 401);
    });
  });
});

describe('digestAuth configuration', () => {
  const cases: Array<{ desc: string; config: Record<string, unknown>; error?: RegExp; path?: string }> = [
    { desc: 'a line without realm', config: { users: ['test'] }, error: /name:realm:hash/, path: 'users[0]' },
    { desc: 'a line with a fourth field', config: { users: [TEST_USER + ':x'] }, error: /name:realm:hash/, path: 'users[0]' },
    { desc: 'an unreadable users file', config: { usersFile: join(tmp, 'missing') }, error: /cannot read users file/, path: 'usersFile' },
    { desc: 'an unknown option', config: { users: [TEST_USER], foo: 1 }, error: /foo/ },
    { desc: 'users only', config: { users: [TEST_USER] } },
    { desc: 'no users at all (accepted, nobody authenticates)', config: {} },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const err = await configErrorOf(plugin, c.config);
      if (c.error === undefined) assert.equal(err, undefined);
      else {
        assert.ok(err !== undefined);
        assert.match(err.message, c.error);
        if (c.path !== undefined) assert.equal(err.path, c.path);
      }
    });
  }

  test('no user of the configured realm is warned about', async () => {
    const ctx = createTestContext();
    await buildMiddleware(plugin, { users: [TEST_USER], realm: 'other' }, ctx);
    assert.equal(ctx.warnings.length, 1);
    assert.match(ctx.warnings[0], /no user of realm "other"/);
  });

  test('users file comments and blank lines are skipped', async () => {
    const file = join(tmp, 'comments.htdigest');
    writeFileSync(file, `# a comment\n\n  ${TEST_USER}  \n`);
    await withHarness({ usersFile: file }, async (h) => {
      assert.equal((await digestRequest(h, { username: 'test', password: 'test' })).res.status, 200);
    });
  });
});
