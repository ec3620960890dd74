import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListenAddress } from '../../src/config/static/address.js';

const valid: Array<{ desc: string; address: string; expected: ReturnType<typeof parseListenAddress> }> = [
  { desc: 'port only', address: ':8080', expected: { host: '', port: 8080, protocol: 'tcp' } },
  { desc: 'IPv4 host', address: '127.0.0.1:80', expected: { host: '127.0.0.1', port: 80, protocol: 'tcp' } },
  { desc: 'IPv6 host in brackets', address: '[::1]:80', expected: { host: '::1', port: 80, protocol: 'tcp' } },
  { desc: 'host name', address: 'localhost:3000', expected: { host: 'localhost', port: 3000, protocol: 'tcp' } },
  { desc: 'explicit tcp', address: ':80/tcp', expected: { host: '', port: 80, protocol: 'tcp' } },
  { desc: 'udp, any case', address: ':53/UDP', expected: { host: '', port: 53, protocol: 'udp' } },
  { desc: 'port 0 (any free port)', address: '127.0.0.1:0', expected: { host: '127.0.0.1', port: 0, protocol: 'tcp' } },
];

const invalid: Array<{ desc: string; address: string; message: RegExp }> = [
  { desc: 'no port', address: 'localhost', message: /expected \[host\]:port/ },
  { desc: 'empty', address: '', message: /expected \[host\]:port/ },
  { desc: 'named port (Go resolves it, Node cannot)', address: ':http', message: /invalid port "http"/ },
  { desc: 'port out of range', address: ':70000', message: /invalid port "70000"/ },
  { desc: 'empty port', address: '127.0.0.1:', message: /invalid port ""/ },
  { desc: 'unknown protocol', address: ':80/sctp', message: /invalid protocol "sctp"/ },
  { desc: 'IPv6 without brackets', address: '::1:80', message: /must be in brackets/ },
  { desc: 'unclosed bracket', address: '[::1:80', message: /invalid IPv6 host/ },
  { desc: 'bad host', address: 'exa mple:80', message: /invalid host "exa mple"/ },
];

describe('entry point addresses', () => {
  for (const c of valid) test(`valid: ${c.desc}`, () => assert.deepEqual(parseListenAddress(c.address), c.expected));
  for (const c of invalid) test(`invalid: ${c.desc}`, () => assert.throws(() => parseListenAddress(c.address), c.message));
});
