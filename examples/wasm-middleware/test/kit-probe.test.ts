// Every call of the AssemblyScript kit (sdk/assembly), through a probe module compiled here from
// probe/index.ts with the documented flags: the same answers under Portico's host and @extism/extism, UTF-8
// carried by byte length (the @extism/as-pdk outputString bug), the abort handler's message reaching the
// host, and failures answered 500 with the next request served normally.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileMiddlewareModule, WasmInstance } from '@portico/plugin-wasm';
import { capturingLogger, compileAssemblyScript, startBothHosts, type HostsUnderTest, type Outcome, type ProbeRequest } from './support.js';

const watch = {
  request: ['x-probe', 'x-set', 'x-multi', 'x-drop', 'x-empty'],
  response: ['content-type', 'x-probe-response'],
};
const config = { greeting: 'grüß 👋', largeSize: '100003' };
const probeHeaders = { 'x-probe': 'v', 'x-drop': 'gone', 'x-multi': 'first' };

interface Case {
  desc: string;
  req: ProbeRequest;
  expect: Partial<Outcome>;
  /** A message the Portico host must have logged for this request. */
  logged?: RegExp;
  /** Why the reference runner cannot give the same answer (the Portico answer is still checked). */
  referenceDiffers?: string;
}

const cases: Case[] = [
  {
    desc: 'Request getters: method, path, query, header names, header, hasHeader, clientIp',
    req: { method: 'PUT', path: '/describe?q=1&r=%C3%A9', headers: probeHeaders },
    expect: {
      status: 200,
      body: 'method=PUT\npath=/describe\nquery=q=1&r=%C3%A9\nnames=x-drop,x-multi,x-probe\nx-probe=v\nhas-x-probe=yes\nclient-ip-set=yes',
      upstreamCalled: false,
    },
  },
  {
    desc: 'a missing query is null, a missing header null',
    req: { path: '/describe' },
    expect: { body: 'method=GET\npath=/describe\nquery=(none)\nnames=\nx-probe=(absent)\nhas-x-probe=no\nclient-ip-set=yes' },
  },
  {
    desc: 'Request setters: setPath, setQuery, setHeader, addHeader, deleteHeader, empty value; Response.setHeader',
    req: { path: '/rewrite?old=1', headers: probeHeaders },
    expect: {
      status: 200,
      upstreamCalled: true,
      forwardedPath: '/rewritten/ok?a=1&b=two',
      forwardedHeaders: { 'x-probe': 'v', 'x-set': 'set-value', 'x-multi': 'first, second', 'x-drop': undefined, 'x-empty': '' },
      responseHeaders: { 'content-type': 'text/plain', 'x-probe-response': 'rewritten' },
    },
  },
  { desc: 'setQuery(null) removes the query', req: { path: '/clear-query?q=1' }, expect: { upstreamCalled: true, forwardedPath: '/clear-query' } },
  {
    desc: 'respond with 2-, 3- and 4-byte UTF-8 characters (byte length, not string length)',
    req: { path: '/unicode' },
    expect: { status: 200, body: 'héllo ✓ 😀', responseHeaders: { 'content-type': 'text/plain; charset=utf-8', 'x-probe-response': undefined } },
  },
  { desc: 'Config.get (UTF-8 value, missing key) and getOr', req: { path: '/config' }, expect: { status: 200, body: 'grüß 👋|(none)|fallback' } },
  { desc: 'Var.get/set keep state across requests (1)', req: { path: '/count' }, expect: { body: '1' } },
  {
    desc: 'Var.get/set keep state across requests (2)',
    req: { path: '/count' },
    expect: { body: '2' },
    // 1.0.3's reset() (needed after every call, or the SDK fails after ~16k calls) truncates its block list,
    // and its vars are block indices: they do not survive it.
    referenceDiffers: '@extism/extism 1.0.3 loses vars on reset()',
  },
  { desc: 'Var.setBytes/getBytes and respondBytes, odd length', req: { path: '/bytes' }, expect: { status: 201, body: 'ABCDEFGHIJKLMNOPQRS' } },
  { desc: 'a 100,003-byte body crosses in 8-byte steps plus the tail', req: { path: '/large' }, expect: { status: 200, body: 'x'.repeat(100_003) } },
  { desc: 'respond without a body', req: { path: '/empty' }, expect: { status: 204, body: '', responseHeaders: { 'content-type': undefined, 'x-probe-response': undefined } } },
  { desc: 'Log.debug/info/warn/error reach the host logger', req: { path: '/log' }, expect: { upstreamCalled: true }, logged: /^probe warn$/ },
  {
    desc: 'throw: the abort handler reports "abort: <msg> at file:line:col", the request gets 500',
    req: { path: '/throw' },
    expect: { status: 500, upstreamCalled: false },
    // The failure report carries the error_set message (not just the guest's own log_error line).
    logged: /failed: trap: .*\(abort: boom from the probe at probe\/index\.ts:\d+:\d+\)$/,
  },
  { desc: 'the request after a trap is served normally', req: { path: '/config' }, expect: { status: 200, body: 'grüß 👋|(none)|fallback' } },
  { desc: 'fail(message): 500 with the message logged', req: { path: '/fail' }, expect: { status: 500 }, logged: /the probe failed on purpose/ },
  { desc: 'setPath without a leading "/" fails the request', req: { path: '/bad-path' }, expect: { status: 500, upstreamCalled: false }, logged: /set_path/ },
  { desc: 'respond with a status outside 100..599 fails the request', req: { path: '/bad-status' }, expect: { status: 500, upstreamCalled: false }, logged: /status 42/ },
  { desc: 'and the proxy keeps answering', req: { path: '/unicode' }, expect: { status: 200, body: 'héllo ✓ 😀' } },
];

describe('AssemblyScript kit probe', () => {
  let dir: string;
  let bytes: Uint8Array;
  let hosts: HostsUnderTest;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-kit-probe-'));
    bytes = await compileAssemblyScript('probe/index.ts', join(dir, 'probe.wasm'));
    hosts = await startBothHosts(bytes, config, watch);
  });
  after(async () => {
    await hosts?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    test(c.desc, async () => {
      const logsBefore = hosts.logs.length;
      const portico = await hosts.portico(c.req);
      const reference = await hosts.reference(c.req);
      if (c.referenceDiffers === undefined) assert.deepEqual(portico, reference, 'Portico host and @extism/extism disagree');
      for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(portico[key as keyof Outcome], value, key);
      if (c.logged !== undefined) {
        const lines = hosts.logs.slice(logsBefore).map((l) => l.message);
        assert.ok(lines.some((m) => c.logged!.test(m)), `expected a log line matching ${c.logged}, got ${JSON.stringify(lines)}`);
      }
    });
  }

  test('the abort message also reaches the @extism/extism logger (which drops error_set on a trap)', () => {
    assert.ok(hosts.referenceLogs.some((l) => l.level === 'error' && /^abort: boom from the probe at probe\/index\.ts:\d+:\d+$/.test(l.message)), JSON.stringify(hosts.referenceLogs));
  });

  test('Host.inputString/outputString on another export, under both hosts', async () => {
    const input = new Uint8Array(Buffer.from('hé'));
    const viaReference = await hosts.ref.call(null, 'echo', input);
    assert.equal(viaReference.rc, 0);
    assert.equal(Buffer.from(viaReference.output ?? []).toString('utf8'), 'hé ✓');

    const { module } = compileMiddlewareModule('probe.wasm', bytes, 256, 1_000_000);
    const instance = new WasmInstance({ module, config: new Map(), fuel: 1_000_000, arenaBytes: 1 << 20, log: capturingLogger() });
    assert.equal(instance.call(null, 'echo', input), 0);
    assert.equal(Buffer.from(instance.state.output ?? []).toString('utf8'), 'hé ✓');
  });
});
