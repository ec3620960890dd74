// Checking a middleware case's `expect` block against the wire observation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { checkExpectations, unsupportedKeys, type Observation } from './middleware-expect.js';

const generated = Buffer.from([0x61, 0xfe, 0xff, 0x00, 0x01]);
const bytesObs = (headers: [string, string][], body: Buffer): Observation => ({
  response: { status: 200, reason: 'OK', headers, body },
  upstreamRequests: [],
  backendBody: generated,
});
const errorCall = { method: 'GET', url: '/503', headers: [['Host', 'localhost'], ['X-Seen', '1']] as [string, string][], body: '' };

function obs(overrides: Partial<Observation> & { status?: number; headers?: [string, string][]; body?: string } = {}): Observation {
  return {
    response: { status: overrides.status ?? 200, reason: 'OK', headers: overrides.headers ?? [], body: Buffer.from(overrides.body ?? '') },
    upstreamRequests: overrides.upstreamRequests ?? [
      { method: 'GET', url: '/us', headers: [['Host', 'localhost'], ['X-Forwarded-Prefix', '/stat/'], ['X-Forwarded-For', '127.0.0.1'], ['Accept-Encoding', 'gzip']], body: '' },
    ],
    backendBody: overrides.backendBody,
    checkRetries: overrides.checkRetries,
  };
}

describe('checkExpectations', () => {
  const cases: { desc: string; expect: Record<string, unknown>; obs: Observation; problems: number }[] = [
    { desc: 'status and upstream path hold', expect: { status: 200, upstreamPath: '/us', upstreamDecodedPath: '/us' }, obs: obs(), problems: 0 },
    { desc: 'wrong status', expect: { status: 401 }, obs: obs(), problems: 1 },
    { desc: 'wrong upstream path', expect: { upstreamPath: '/stat/us' }, obs: obs(), problems: 1 },
    { desc: 'upstream headers subset, name case-insensitive', expect: { upstreamHeaders: { 'x-forwarded-prefix': '/stat/' } }, obs: obs(), problems: 0 },
    { desc: 'upstream header absent', expect: { upstreamHeadersAbsent: ['X-Forwarded-Prefix'] }, obs: obs(), problems: 1 },
    { desc: 'upstream header present', expect: { upstreamHeadersPresent: ['Authorization'] }, obs: obs(), problems: 1 },
    {
      desc: 'exact upstream set ignores what the proxy adds but not other headers',
      expect: { upstreamHeadersExact: {} },
      obs: obs(),
      problems: 1,
    },
    {
      desc: 'exact upstream set met',
      expect: { upstreamHeadersExact: { 'X-Forwarded-Prefix': '/stat/' } },
      obs: obs(),
      problems: 0,
    },
    { desc: 'upstream not called when expected', expect: { upstreamCalled: true }, obs: obs({ upstreamRequests: [] }), problems: 1 },
    { desc: 'upstream not called as expected', expect: { status: 400, upstreamCalled: false }, obs: obs({ status: 400, upstreamRequests: [] }), problems: 0 },
    { desc: 'upstream path needs a call', expect: { upstreamPath: '/' }, obs: obs({ upstreamRequests: [] }), problems: 1 },
    {
      desc: 'exact response set ignores transport headers; repeated lines equal a comma list',
      expect: { responseHeadersExact: { Vary: 'Testing,Origin' } },
      obs: obs({ headers: [['Date', 'x'], ['Content-Length', '0'], ['Vary', 'Testing'], ['Vary', 'Origin']] }),
      problems: 0,
    },
    {
      desc: 'exact response set flags an extra header',
      expect: { responseHeadersExact: {} },
      obs: obs({ headers: [['X-Frame-Options', 'DENY']] }),
      problems: 1,
    },
    {
      desc: 'response header null = absent',
      expect: { responseHeaders: { 'X-Custom': null, 'WWW-Authenticate': 'Basic realm="traefiker"' } },
      obs: obs({ headers: [['WWW-Authenticate', 'Basic realm="traefiker"']] }),
      problems: 0,
    },
    { desc: 'body and bodyNotContains', expect: { body: 'traefik\n', bodyNotContains: 'x' }, obs: obs({ body: 'traefik\n' }), problems: 0 },
    { desc: 'bodyNotContains violated', expect: { bodyNotContains: 'traefik' }, obs: obs({ body: '401 traefik' }), problems: 1 },
    { desc: 'upstreamHeadersExactValues', expect: { upstreamHeadersExactValues: { 'X-Forwarded-For': ['127.0.0.1'] } }, obs: obs(), problems: 0 },
    { desc: 'retryAttempts uses the backend check', expect: { retryAttempts: 2 }, obs: obs({ checkRetries: (n) => (n === 2 ? undefined : 'no') }), problems: 0 },
    { desc: 'retryAttempts without a retry backend', expect: { retryAttempts: 0 }, obs: obs(), problems: 1 },
    { desc: 'binary body equals the backend bytes', expect: { bodyEqualsBackendBody: true }, obs: bytesObs([], generated), problems: 0 },
    { desc: 'binary body differs from the backend bytes', expect: { bodyEqualsBackendBody: true }, obs: bytesObs([], generated.subarray(1)), problems: 1 },
    {
      desc: 'gzip body decodes to the backend body and differs from it',
      expect: { bodyDecodesToBackendBody: true, bodyDiffersFromBackendBody: true },
      obs: bytesObs([['Content-Encoding', 'gzip']], gzipSync(generated)),
      problems: 0,
    },
    { desc: 'a body labelled gzip that is not', expect: { bodyDecodesToBackendBody: true }, obs: bytesObs([['Content-Encoding', 'gzip']], generated), problems: 1 },
    { desc: 'bodyDiffersFromBackendBody violated', expect: { bodyDiffersFromBackendBody: true }, obs: bytesObs([], generated), problems: 1 },
    {
      desc: 'header count leaves out Node\'s connection management',
      expect: { responseHeaderCount: 2 },
      obs: obs({ headers: [['Date', 'x'], ['X-Foo', 'bar'], ['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=5']] }),
      problems: 0,
    },
    {
      desc: 'absent Connection/Keep-Alive ignores the proxy\'s own values, not relayed ones',
      expect: { responseHeadersAbsent: ['Connection', 'Keep-Alive', 'Upgrade'] },
      obs: obs({ headers: [['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=180'], ['Upgrade', 'test']] }),
      problems: 1,
    },
    {
      desc: 'error service expectations',
      expect: { errorServiceCalled: true, errorServiceRequestURI: '/503', errorServiceHost: 'localhost', errorServiceHeaders: { 'X-Seen': '1' }, errorServiceHeadersAbsent: ['X-Not'] },
      obs: { ...obs(), errorServiceRequests: [errorCall] },
      problems: 0,
    },
    { desc: 'error service not called', expect: { errorServiceRequestURI: '/503' }, obs: obs(), problems: 1 },
    { desc: 'error service called unexpectedly', expect: { errorServiceCalled: false }, obs: { ...obs(), errorServiceRequests: [errorCall] }, problems: 1 },
    {
      desc: 'auth-request keys are checked as a group',
      expect: { authServerCalls: 1, authRequestHeaders: { 'X-Seen': '1' }, authRequestHeadersExact: true },
      obs: { ...obs(), authRequests: [errorCall] },
      problems: 0,
    },
    { desc: 'auth-request keys without an auth server', expect: { authServerCalls: 0 }, obs: obs(), problems: 1 },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const problems = checkExpectations(c.expect, c.obs);
      assert.equal(problems.length, c.problems, problems.join('; '));
    });
  }
});

describe('unsupportedKeys', () => {
  test('lists keys with no wire check, not informational or config keys', () => {
    assert.deepEqual(unsupportedKeys({ status: 200, upstreamDecodedPath: '/', configError: true, selectedEncoding: 'gzip', authServerCalls: 1, equivalentTo: 'x' }), [
      'selectedEncoding',
      'equivalentTo',
    ]);
  });
});
