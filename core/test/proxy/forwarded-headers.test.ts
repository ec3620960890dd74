// The entrypoint's forwarded-headers stage against Traefik's own expectations
// (../shared/conformance/entrypoint-forwarded-headers.json) plus cases of our own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { buildForwardedHeadersStage } from '../../src/proxy/forwarded-headers.js';

const sharedDir = process.env.PORTICO_SHARED_DIR ?? join(process.env.PORTICO_REPO_ROOT ?? process.cwd(), '..', 'shared');
const file = join(sharedDir, 'conformance', 'entrypoint-forwarded-headers.json');

interface Case {
  id: string;
  desc: string;
  entryPointForwardedHeaders: Record<string, unknown>;
  request: { remoteAddr: string; tls: boolean; host?: string; headerLines: [string, string][] };
  expect: { upstreamHeaderGet: Record<string, string> };
  note?: string;
}

/** Builds Node's header object the way its parser does from ordered lines (lower-case keys, repeats joined). */
function nodeHeaders(lines: [string, string][], host?: string): IncomingHttpHeaders {
  const h: Record<string, string> = {};
  for (const [name, value] of lines) {
    const k = name.toLowerCase();
    h[k] = h[k] === undefined ? value : `${h[k]}, ${value}`;
  }
  if (host !== undefined) h.host = host;
  return h;
}

function splitHost(remoteAddr: string): string {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(remoteAddr);
  return m ? m[1] : '';
}

test('entrypoint-forwarded-headers.json (Traefik conformance sample)', () => {
  assert.ok(existsSync(file), `conformance file missing: ${file} (set PORTICO_SHARED_DIR)`);
  const cases = JSON.parse(readFileSync(file, 'utf8')) as Case[];
  let passed = 0;
  const failures: string[] = [];
  for (const c of cases) {
    // Traefik's test sets the middleware's hostname to the request host in one case (see its note).
    const serverName = c.note?.includes('hostname') ? (c.request.host ?? '') : '';
    const stage = buildForwardedHeadersStage(c.entryPointForwardedHeaders, serverName);
    const headers = nodeHeaders(c.request.headerLines, c.request.host);
    stage(headers, splitHost(c.request.remoteAddr), c.request.tls);
    const wrong = Object.entries(c.expect.upstreamHeaderGet).filter(([name, want]) => String(headers[name.toLowerCase()] ?? '') !== want);
    if (wrong.length === 0) passed++;
    else failures.push(`${c.id} (${c.desc}): ${wrong.map(([n, w]) => `${n}=${JSON.stringify(headers[n.toLowerCase()])}, want ${JSON.stringify(w)}`).join('; ')}`);
  }
  console.log(`entrypoint-forwarded-headers.json: ${passed} passed, ${failures.length} failed`);
  assert.deepEqual(failures, []);
});

test('forwarded headers: own cases', () => {
  const cases = [
    { desc: 'trusted CIDR keeps the client\'s X-Forwarded-For', opts: { trustedIPs: ['10.0.0.0/8'] }, ip: '10.1.2.3', tls: false, in: { 'x-forwarded-for': '1.1.1.1' }, want: { 'x-forwarded-for': '1.1.1.1', 'x-real-ip': '10.1.2.3' } },
    { desc: 'IPv4-mapped peer of a dual-stack socket is trusted by its IPv4 range', opts: { trustedIPs: ['10.0.0.0/8'] }, ip: '::ffff:10.1.2.3', tls: false, in: { 'x-forwarded-for': '1.1.1.1' }, want: { 'x-forwarded-for': '1.1.1.1' } },
    { desc: 'untrusted peer loses X-Forwarded-Host', opts: { trustedIPs: ['10.0.0.0/8'] }, ip: '192.0.2.1', tls: false, in: { 'x-forwarded-host': 'evil', host: 'good:81' }, want: { 'x-forwarded-host': 'good:81', 'x-forwarded-port': '81' } },
    { desc: 'TLS without port gives 443 and https', opts: {}, ip: '127.0.0.1', tls: true, in: { host: 'a.example' }, want: { 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' } },
    { desc: 'IPv6 host with port', opts: {}, ip: '::1', tls: false, in: { host: '[::1]:8080' }, want: { 'x-forwarded-port': '8080', 'x-real-ip': '::1' } },
  ];
  for (const c of cases) {
    const stage = buildForwardedHeadersStage(c.opts, 'proxy-1');
    const headers: IncomingHttpHeaders = { ...c.in };
    stage(headers, c.ip, c.tls);
    for (const [k, v] of Object.entries(c.want)) assert.equal(headers[k], v, `${c.desc}: ${k}`);
    assert.equal(headers['x-forwarded-server'], 'proxy-1', c.desc);
  }
});

test('forwarded headers: an invalid trustedIPs entry is an error, not a silent distrust', () => {
  assert.throws(() => buildForwardedHeadersStage({ trustedIPs: ['10.0.0.300'] }), /invalid IP or CIDR/);
});
