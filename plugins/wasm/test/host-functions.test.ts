/**
 * Every host function's effect on a real proxied request: fixtures/abi.wat picks one behaviour per element
 * (config `case`), and each case sends a request through the middleware over loopback sockets.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { TestRequest, TestResponse, UpstreamCall } from '../../../test/helpers/middleware-harness.js';
import { fixtureHarness, type LogEntry } from './helpers/load.js';

interface Case {
  name: string;
  /** abi.wat case letter */
  letter: string;
  request?: TestRequest;
  options?: Record<string, unknown>;
  check(res: TestResponse, calls: UpstreamCall[], log: LogEntry[]): void;
}

const errors = (log: LogEntry[]) => log.filter((e) => e.level === 'error').map((e) => e.msg);

const cases: Case[] = [
  {
    name: 'get_method returns the request method',
    letter: 'a',
    request: { method: 'PUT', body: 'x' },
    check: (_res, calls) => assert.equal(calls[0].headers['x-method'], 'PUT'),
  },
  {
    name: 'get_path returns the path without the query; set_path replaces what goes upstream',
    letter: 'b',
    request: { path: '/a/b%20c?q=1' },
    check: (_res, calls) => {
      assert.equal(calls[0].headers['x-path'], '/a/b%20c');
      assert.equal(calls[0].path, '/rewritten?q=1');
    },
  },
  {
    name: 'get_query returns the raw query; set_query replaces it',
    letter: 'c',
    request: { path: '/p?x=1&y=%2F' },
    check: (_res, calls) => {
      assert.equal(calls[0].headers['x-query'], 'x=1&y=%2F');
      assert.equal(calls[0].path, '/p?a=1');
    },
  },
  {
    name: 'get_query returns 0 without a query; set_query adds one',
    letter: 'c',
    request: { path: '/p' },
    check: (_res, calls) => {
      assert.equal(calls[0].headers['x-query'], 'none');
      assert.equal(calls[0].path, '/p?a=1');
    },
  },
  {
    name: 'set_query with handle 0 removes the query',
    letter: 'd',
    request: { path: '/p?x=1' },
    check: (_res, calls) => assert.equal(calls[0].path, '/p'),
  },
  {
    name: 'get_header reads a header case-insensitively, repeated values joined with ", "',
    letter: 'e',
    request: { headers: { 'X-In': ['one', 'two'] } },
    check: (_res, calls) => assert.equal(calls[0].headers['x-out'], 'one, two'),
  },
  {
    name: 'get_header keeps non-ASCII bytes as they came (UTF-8 in, the same bytes out)',
    letter: 'e',
    request: { headers: { 'x-in': Buffer.from('café', 'utf8').toString('latin1') } },
    check: (_res, calls) => assert.equal(Buffer.from(String(calls[0].headers['x-out']), 'latin1').toString('utf8'), 'café'),
  },
  {
    name: 'get_header returns 0 for an absent header',
    letter: 'e',
    check: (_res, calls) => assert.equal(calls[0].headers['x-out'], 'absent'),
  },
  {
    name: 'get_header_names lists lower-case names separated by newlines',
    letter: 'f',
    request: { headers: { 'X-One': '1', 'X-Two': '2' } },
    check: (res, calls) => {
      assert.equal(calls.length, 0);
      assert.deepEqual(res.body.split('\n').filter((n) => n.startsWith('x-')), ['x-one', 'x-two']);
      assert.ok(res.body.split('\n').includes('host'));
    },
  },
  {
    name: 'add_header appends a value; del_header removes a header',
    letter: 'g',
    request: { headers: { 'x-multi': 'one', 'x-del': 'gone' } },
    check: (_res, calls) => {
      assert.deepEqual(calls[0].headers['x-multi'], ['one', 'two']);
      assert.equal('x-del' in calls[0].headers, false);
    },
  },
  {
    name: 'get_client_ip returns the client address',
    letter: 'h',
    check: (_res, calls) => assert.equal(calls[0].headers['x-ip'], '127.0.0.1'),
  },
  {
    name: 'set_response_header decorates the upstream response',
    letter: 'i',
    check: (res, calls) => {
      assert.equal(calls.length, 1);
      assert.equal(res.headers['x-resp'], 'yes');
      assert.equal(res.body, 'upstream');
    },
  },
  {
    name: 'respond answers without calling the upstream, with the response headers set',
    letter: 'j',
    check: (res, calls) => {
      assert.equal(calls.length, 0);
      assert.equal(res.status, 418);
      assert.equal(res.body, 'teapot');
      assert.equal(res.headers['content-type'], 'text/x-tea');
    },
  },
  {
    name: 'config_get reads the element options (non-strings JSON-encoded)',
    letter: 'k',
    options: { greeting: { nested: [1, 2] } },
    check: (res) => assert.equal(res.body, '{"nested":[1,2]}'),
  },
  {
    name: 'config_get returns 0 for an unknown key',
    letter: 'k',
    check: (res) => assert.equal(res.body, 'none'),
  },
  {
    name: 'error_set and a non-zero return answer 500 and log the message with element and plugin',
    letter: 'm',
    check: (res, calls, log) => {
      assert.equal(res.status, 500);
      assert.equal(calls.length, 0);
      assert.match(errors(log).join('\n'), /wasm middleware abi-element@file \(plugin abi\) failed: handle_request returned 1: boom from wat/);
    },
  },
  {
    name: 'log_info goes to the element logger; the request continues',
    letter: 'n',
    check: (res, _calls, log) => {
      assert.equal(res.status, 200);
      assert.ok(log.some((e) => e.level === 'info' && e.msg === 'hello log'));
    },
  },
  {
    name: 'an invalid header name fails the request with 500 (host function error)',
    letter: 'o',
    check: (res, calls, log) => {
      assert.equal(res.status, 500);
      assert.equal(calls.length, 0);
      assert.match(errors(log).join('\n'), /host function error: set_header: invalid header name "bad name"/);
    },
  },
  {
    name: 'respond with a status outside 100..599 fails the request with 500',
    letter: 'p',
    check: (res, _calls, log) => {
      assert.equal(res.status, 500);
      assert.match(errors(log).join('\n'), /respond: status 99 is not within 100\.\.599/);
    },
  },
  {
    name: 'alloc beyond the per-call memory limit returns 0',
    letter: 'q',
    check: (_res, calls) => assert.equal(calls[0].headers['x-alloc'], 'zero'),
  },
];

describe('host functions through a proxied request (fixtures/abi.wat)', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const { h, upstream, log } = await fixtureHarness('abi', { case: c.letter, ...c.options });
      try {
        const res = await h.request(c.request);
        c.check(res, upstream.calls, log.entries);
      } finally {
        await h.close();
      }
    });
  }

  test('var_get/var_set state persists across requests of one element', async () => {
    const { h, upstream } = await fixtureHarness('abi', { case: 'l' });
    try {
      for (let i = 0; i < 3; i++) await h.request();
      assert.deepEqual(
        upstream.calls.map((c) => c.headers['x-count']),
        ['1', '2', '3'],
      );
    } finally {
      await h.close();
    }
  });

  test('two elements of the same module have separate vars and config', async () => {
    const a = await fixtureHarness('abi', { case: 'l' });
    const b = await fixtureHarness('abi', { case: 'l' });
    try {
      await a.h.request();
      await a.h.request();
      await b.h.request();
      assert.equal(a.upstream.calls[1].headers['x-count'], '2');
      assert.equal(b.upstream.calls[0].headers['x-count'], '1');
    } finally {
      await a.h.close();
      await b.h.close();
    }
  });
});
