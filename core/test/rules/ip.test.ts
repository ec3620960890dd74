import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IpChecker, parseCidr, parseIp, remoteAddrIp, splitHostPort } from '../../src/rules/index.js';

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined);

describe('parseIp (Go net.ParseIP)', () => {
  const cases: { desc: string; text: string; bytes: string | undefined }[] = [
    { desc: 'IPv4', text: '10.1.2.3', bytes: '0a010203' },
    { desc: 'IPv4 zero', text: '0.0.0.0', bytes: '00000000' },
    { desc: 'IPv4 leading zero is rejected', text: '10.01.2.3', bytes: undefined },
    { desc: 'IPv4 octet over 255', text: '10.1.2.256', bytes: undefined },
    { desc: 'IPv4 with three parts', text: '10.1.2', bytes: undefined },
    { desc: 'IPv6 loopback', text: '::1', bytes: '00000000000000000000000000000001' },
    { desc: 'IPv6 unspecified', text: '::', bytes: '00000000000000000000000000000000' },
    { desc: 'IPv6 full', text: '1:2:3:4:5:6:7:8', bytes: '00010002000300040005000600070008' },
    { desc: 'IPv6 trailing ::', text: '10::', bytes: '00100000000000000000000000000000' },
    { desc: 'IPv4-mapped IPv6 is IPv4', text: '::ffff:10.0.0.1', bytes: '0a000001' },
    { desc: 'embedded IPv4 in IPv6', text: '64:ff9b::1.2.3.4', bytes: '0064ff9b000000000000000001020304' },
    { desc: 'two ::', text: '1::2::3', bytes: undefined },
    { desc: 'too many groups', text: '1:2:3:4:5:6:7:8:9', bytes: undefined },
    { desc: 'group over 4 hex digits', text: '12345::', bytes: undefined },
    { desc: 'zone is rejected', text: 'fe80::1%eth0', bytes: undefined },
    { desc: 'brackets are rejected', text: '[::1]', bytes: undefined },
    { desc: 'hostname', text: 'localhost', bytes: undefined },
  ];
  for (const c of cases) test(`${c.desc}: ${c.text}`, () => assert.equal(hex(parseIp(c.text)?.bytes), c.bytes));
});

describe('parseCidr (Go net.ParseCIDR)', () => {
  const cases: { desc: string; text: string; network?: string; bits?: number }[] = [
    { desc: 'IPv4 network is masked', text: '192.168.1.77/24', network: 'c0a80100', bits: 24 },
    { desc: 'IPv4 /0', text: '1.2.3.4/0', network: '00000000', bits: 0 },
    { desc: 'IPv6', text: 'fe80::1/10', network: 'fe800000000000000000000000000000', bits: 10 },
    { desc: 'IPv4-mapped range counts IPv4 bits', text: '::ffff:10.0.0.0/104', network: '0a000000', bits: 8 },
    { desc: 'prefix too long', text: '10.0.0.0/33' },
    { desc: 'signed prefix', text: '10.0.0.0/+8' },
    { desc: 'missing prefix', text: '10.0.0.0/' },
    { desc: 'no slash', text: '10.0.0.0' },
  ];
  for (const c of cases) {
    test(`${c.desc}: ${c.text}`, () => {
      const cidr = parseCidr(c.text);
      assert.equal(hex(cidr?.network), c.network);
      assert.equal(cidr?.bits, c.bits);
    });
  }
});

describe('IpChecker', () => {
  const cases: { desc: string; entries: string[]; address: string; contains: boolean }[] = [
    { desc: 'listed IP', entries: ['10.0.0.1'], address: '10.0.0.1', contains: true },
    { desc: 'unlisted IP', entries: ['10.0.0.1'], address: '10.0.0.2', contains: false },
    { desc: 'IPv4 in CIDR', entries: ['10.0.0.0/8'], address: '10.200.0.1', contains: true },
    { desc: 'IPv4 outside CIDR', entries: ['10.0.0.0/8'], address: '11.0.0.1', contains: false },
    { desc: 'any of several entries', entries: ['1.1.1.1', 'fd00::/8'], address: 'fd12::1', contains: true },
    { desc: 'IPv4-mapped address equals IPv4', entries: ['127.0.0.1'], address: '::ffff:127.0.0.1', contains: true },
    { desc: 'IPv4 listed as mapped IPv6', entries: ['::ffff:127.0.0.1'], address: '127.0.0.1', contains: true },
    { desc: 'IPv6 /0 excludes IPv4', entries: ['::/0'], address: '127.0.0.1', contains: false },
    { desc: 'IPv4 /0 includes mapped IPv4', entries: ['0.0.0.0/0'], address: '::ffff:8.8.8.8', contains: true },
    { desc: 'IPv4 /0 excludes IPv6', entries: ['0.0.0.0/0'], address: '::1', contains: false },
    { desc: 'client zone is ignored', entries: ['fe80::/10'], address: 'fe80::1%eth0', contains: true },
    { desc: 'not an address', entries: ['10.0.0.1'], address: 'nope', contains: false },
    { desc: 'empty address', entries: ['10.0.0.1'], address: '', contains: false },
  ];
  for (const c of cases) {
    test(`${c.desc}: ${c.address} in [${c.entries.join(', ')}]`, () => {
      assert.equal(new IpChecker(c.entries).contains(c.address), c.contains);
    });
  }
  test('rejects an empty list', () => assert.throws(() => new IpChecker([]), /no IP/));
  test('names the bad entry', () => assert.throws(() => new IpChecker(['10.0.0.1', 'x/8']), /"x\/8" is neither/));
});

describe('remote address splitting (Go SplitHostPort, Traefik RemoteAddrStrategy)', () => {
  const cases: { desc: string; addr: string; ip: string; split: boolean }[] = [
    { desc: 'IPv4 and port', addr: '10.0.0.1:8456', ip: '10.0.0.1', split: true },
    { desc: 'bare IPv4 falls back to the whole address', addr: '10.0.0.1', ip: '10.0.0.1', split: false },
    { desc: 'bracketed IPv6 and port', addr: '[::1]:80', ip: '::1', split: true },
    { desc: 'bare IPv6 falls back', addr: '::1', ip: '::1', split: false },
    { desc: 'IPv4-mapped IPv6 falls back', addr: '::ffff:10.0.0.1', ip: '::ffff:10.0.0.1', split: false },
    { desc: 'brackets without port fall back', addr: '[::1]', ip: '[::1]', split: false },
    { desc: 'empty port still splits', addr: 'host:', ip: 'host', split: true },
  ];
  for (const c of cases) {
    test(`${c.desc}: ${c.addr}`, () => {
      assert.equal(remoteAddrIp(c.addr), c.ip);
      assert.equal(splitHostPort(c.addr) !== undefined, c.split);
    });
  }
});
