/**
 * The shared client-IP strategy and source criterion (sdk/src/source-criterion.ts), tested here because
 * rateLimit is its first user: the ipAllowList strategy/checker cases of middlewares.json, plus tables.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, Exchange, IPChecker, compileIPStrategy, compileSourceCriterion, hostOfRemoteAddr, ipv6SubnetOf } from '@portico/sdk';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadMiddlewareCases } from '../../../test/helpers/middleware-harness.js';

/** An exchange over a fake request: the extractors only read headers and the client IP. */
function exchange(headers: Record<string, string>, clientIp = '192.0.2.1'): Exchange {
  const req = { url: '/', method: 'GET', headers } as unknown as IncomingMessage;
  return new Exchange(req, {} as ServerResponse, 'web', clientIp, false, 0n);
}

describe('ip strategies (middlewares.json ipAllowList strategy cases)', () => {
  const cases = loadMiddlewareCases('ipAllowList').filter((c) => c.expect.clientIP !== undefined);
  let passed = 0;
  after(() => console.log(`ip strategy conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, () => {
      const cfg = (c.config.ipStrategy ?? {}) as Record<string, unknown>;
      // Strategy-level cases with an out-of-range subnet bypass the config check (see the case note).
      const subnet = cfg.ipv6Subnet as number | undefined;
      const strategy =
        subnet !== undefined && (subnet <= 0 || subnet > 128)
          ? (remote: string) => ipv6SubnetOf(hostOfRemoteAddr(remote), subnet)
          : compileIPStrategy(cfg);
      const xff = c.request?.headers?.['X-Forwarded-For'] as string | undefined;
      assert.equal(strategy(c.request?.remoteAddr ?? '192.0.2.1:1234', xff), c.expect.clientIP);
      passed++;
    });
  }
});

describe('ip checker (middlewares.json ipAllowList checker cases)', () => {
  const cases = loadMiddlewareCases('ipAllowList').filter((c) => c.component?.startsWith('ip.Checker') || c.component === 'ip.NewChecker');
  let passed = 0;
  after(() => console.log(`ip checker conformance: ${passed}/${cases.length} cases passed`));
  for (const c of cases) {
    test(`${c.id} ${c.desc}`, () => {
      const ranges = c.config.sourceRange as string[] | null;
      if (c.expect.configError !== undefined) {
        let message: string | undefined;
        try {
          new IPChecker(ranges ?? []);
        } catch (err) {
          message = (err as Error).message;
        }
        assert.equal(message !== undefined, c.expect.configError);
        if (c.expect.errorMessage !== undefined) assert.equal(message, c.expect.errorMessage);
        passed++;
        return;
      }
      const checker = new IPChecker(ranges ?? []);
      const req = c.request as { clientIP?: string; remoteAddr?: string };
      const ip = req.clientIP ?? hostOfRemoteAddr(req.remoteAddr ?? '');
      if (c.expect.checkError === true) {
        assert.throws(() => checker.checkContains(ip));
        assert.equal(checker.contains(ip), false);
      } else {
        assert.equal(checker.checkContains(ip), c.expect.allowed);
      }
      passed++;
    });
  }
});

describe('IPChecker', () => {
  const cases: Array<[string, string[], string, boolean]> = [
    ['IPv4 entry matches its IPv4-mapped form', ['10.0.0.1'], '::ffff:10.0.0.1', true],
    ['IPv4 CIDR matches an IPv4-mapped address', ['10.0.0.0/8'], '::ffff:10.1.2.3', true],
    ['::/0 does not contain IPv4 (Go net.IPNet)', ['::/0'], '10.0.0.1', false],
    ['::ffff:0:0/96 contains every IPv4 address', ['::ffff:0:0/96'], '192.0.2.1', true],
    ['IPv6 with a zone is checked without it', ['fe80::/16'], 'fe80::1%eth0', true],
    ['leading zeros are not an IPv4 address', ['10.0.0.1'], '010.0.0.1', false],
    ['embedded IPv4 in IPv6 notation', ['64:ff9b::/96'], '64:ff9b::192.0.2.1', true],
  ];
  for (const [desc, entries, ip, want] of cases) test(desc, () => assert.equal(new IPChecker(entries).contains(ip), want));

  const bad: Array<[string, string]> = [
    ['prefix too long', '10.0.0.0/33'],
    ['zone in an entry', 'fe80::1%eth0'],
    ['two ellipses', '1::2::3'],
    ['five IPv4 parts', '1.2.3.4.5'],
  ];
  for (const [desc, entry] of bad) test(`rejects ${desc}`, () => assert.throws(() => new IPChecker([entry]), /invalid CIDR address/));
});

describe('ipv6SubnetOf', () => {
  const cases: Array<[string, number, string]> = [
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', 64, '2001:db8:85a3:8d3::'],
    ['2001:db8::1', 128, '2001:db8::1'],
    ['::abcd:ffff:c0a8:1', 80, '::abcd:0:0:0'],
    ['1:0:0:1:0:0:0:1', 128, '1:0:0:1::1'],
    ['1:0:0:2:2:0:0:1', 128, '1::2:2:0:0:1'],
    ['10.0.0.1', 64, '10.0.0.1'],
    ['not an ip', 64, 'not an ip'],
  ];
  for (const [ip, bits, want] of cases) test(`${ip}/${bits}`, () => assert.equal(ipv6SubnetOf(ip, bits), want));
});

describe('compileSourceCriterion', () => {
  const cases: Array<{ desc: string; cfg: Record<string, unknown> | undefined; headers?: Record<string, string>; clientIp?: string; want: string }> = [
    { desc: 'default: client IP', cfg: undefined, want: '192.0.2.1' },
    { desc: 'empty criterion: client IP', cfg: {}, want: '192.0.2.1' },
    { desc: 'requestHeaderName (case-insensitive)', cfg: { requestHeaderName: 'X-Api-Key' }, headers: { 'x-api-key': 'k1' }, want: 'k1' },
    { desc: 'requestHeaderName missing: one shared empty source', cfg: { requestHeaderName: 'X-Api-Key' }, want: '' },
    { desc: 'requestHost: Host with port', cfg: { requestHost: true }, headers: { host: 'a.example:8080' }, want: 'a.example:8080' },
    { desc: 'ipStrategy depth', cfg: { ipStrategy: { depth: 2 } }, headers: { 'x-forwarded-for': '1.1.1.1, 2.2.2.2, 3.3.3.3' }, want: '2.2.2.2' },
    { desc: 'ipStrategy excludedIPs', cfg: { ipStrategy: { excludedIPs: ['3.3.3.0/24'] } }, headers: { 'x-forwarded-for': '1.1.1.1, 2.2.2.2, 3.3.3.3' }, want: '2.2.2.2' },
    { desc: 'ipv6Subnet on an IPv4-mapped peer keeps the IPv4', cfg: { ipStrategy: { ipv6Subnet: 64 } }, clientIp: '::ffff:10.0.0.1', want: '10.0.0.1' },
    { desc: 'ipv6Subnet on an IPv6 peer', cfg: { ipStrategy: { ipv6Subnet: 64 } }, clientIp: '2001:db8:1:2:3:4:5:6', want: '2001:db8:1:2::' },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const extract = compileSourceCriterion(c.cfg as never);
      assert.equal(extract(exchange(c.headers ?? {}, c.clientIp)), c.want);
    });
  }

  const errors: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['ipStrategy + requestHeaderName', { ipStrategy: {}, requestHeaderName: 'X' }, 'sourceCriterion', /mutually exclusive/],
    ['ipStrategy + requestHost', { ipStrategy: {}, requestHost: true }, 'sourceCriterion', /mutually exclusive/],
    ['requestHost + requestHeaderName', { requestHost: true, requestHeaderName: 'X' }, 'sourceCriterion', /mutually exclusive/],
    ['ipv6Subnet out of range', { ipStrategy: { ipv6Subnet: 0 } }, 'sourceCriterion.ipStrategy.ipv6Subnet', /invalid IPv6 subnet 0/],
    ['bad excludedIPs entry', { ipStrategy: { excludedIPs: ['nope'] } }, 'sourceCriterion.ipStrategy.excludedIPs', /invalid CIDR address: nope/],
  ];
  for (const [desc, cfg, path, message] of errors) {
    test(`error: ${desc}`, () => {
      assert.throws(
        () => compileSourceCriterion(cfg as never),
        (err: unknown) => err instanceof ConfigError && err.path === path && message.test(err.message),
      );
    });
  }

  test('ipv6Subnet with excludedIPs is accepted (as Traefik) with a warning', () => {
    const warnings: string[] = [];
    compileSourceCriterion({ ipStrategy: { excludedIPs: ['10.0.0.1'], ipv6Subnet: 500 } } as never, 'sourceCriterion', (m) => warnings.push(m));
    assert.match(warnings.join(), /ipv6Subnet is ignored/);
  });
});
