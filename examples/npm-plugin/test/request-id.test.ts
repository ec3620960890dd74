/**
 * portico-plugin-request-id with the sdk test kit (`@portico/sdk/testing`): requests injected in-process
 * through the proxy's own per-request code, a fake upstream recording what it received, and the contract test
 * every plugin package runs on its manifest's sample configuration. No sockets, nothing to start.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configErrorOf, contractTest, inject } from '@portico/sdk/testing';
import plugins, { requestId } from '../src/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

contractTest(plugins, new URL('../package.json', import.meta.url));

describe('request id', () => {
  const cases: Array<{
    description: string;
    config: Record<string, unknown>;
    headers?: Record<string, string | string[]>;
    /** Expected id upstream: a string, or UUID for a freshly generated one. */
    upstream: string | RegExp;
    /** Header read on the upstream request and on the response (default x-request-id). */
    header?: string;
    echoed?: boolean;
    answer?: Record<string, string>;
  }> = [
    { description: 'no incoming id: a new UUID, echoed', config: {}, upstream: UUID },
    { description: 'a valid incoming id is kept and echoed', config: {}, headers: { 'X-Request-Id': 'abc.DEF_123-x' }, upstream: 'abc.DEF_123-x' },
    { description: '200 characters is still valid', config: {}, headers: { 'X-Request-Id': 'a'.repeat(200) }, upstream: 'a'.repeat(200) },
    { description: '201 characters is replaced', config: {}, headers: { 'X-Request-Id': 'a'.repeat(201) }, upstream: UUID },
    { description: 'characters outside [A-Za-z0-9._-] are replaced', config: {}, headers: { 'X-Request-Id': 'abc<script>' }, upstream: UUID },
    { description: 'an empty id is replaced', config: {}, headers: { 'X-Request-Id': '' }, upstream: UUID },
    { description: 'a repeated header is replaced', config: {}, headers: { 'X-Request-Id': ['one', 'two'] }, upstream: UUID },
    { description: 'trustIncoming: false replaces a valid id', config: { trustIncoming: false }, headers: { 'X-Request-Id': 'client-chosen' }, upstream: UUID },
    { description: 'responseHeader: false does not echo', config: { responseHeader: false }, upstream: UUID, echoed: false },
    {
      description: 'a custom header name (any case) is used both ways',
      config: { headerName: 'x-correlation-ID' },
      headers: { 'X-Correlation-Id': 'corr-1', 'X-Request-Id': 'ignored' },
      header: 'x-correlation-id',
      upstream: 'corr-1',
    },
    {
      description: 'the echo replaces an id the upstream answered with',
      config: {},
      headers: { 'X-Request-Id': 'ours' },
      upstream: 'ours',
      answer: { 'X-Request-Id': 'theirs' },
    },
  ];
  for (const c of cases) {
    test(c.description, async () => {
      const header = c.header ?? 'x-request-id';
      const res = await inject({ plugin: requestId, config: c.config }, { headers: c.headers }, { upstream: { status: 200, headers: c.answer } });
      assert.equal(res.error, undefined);
      assert.equal(res.status, 200);
      const sent = res.upstream?.headers[header];
      assert.equal(typeof sent, 'string');
      if (c.upstream instanceof RegExp) assert.match(sent as string, c.upstream);
      else assert.equal(sent, c.upstream);
      assert.equal(res.headers[header], c.echoed === false ? undefined : sent);
    });
  }

  test('each request gets its own id', async () => {
    const a = await inject({ plugin: requestId });
    const b = await inject({ plugin: requestId });
    assert.notEqual(a.upstream?.headers['x-request-id'], b.upstream?.headers['x-request-id']);
  });
});

describe('configuration', () => {
  const cases: Array<{ description: string; config: unknown; path: string; message: RegExp }> = [
    { description: 'invalid header name', config: { headerName: 'X Request Id' }, path: 'headerName', message: /not a valid header name/ },
    { description: 'unknown option', config: { header: 'X-Id' }, path: 'header', message: /header/ },
    { description: 'wrong type', config: { trustIncoming: 'sometimes' }, path: 'trustIncoming', message: /trustIncoming|boolean/ },
  ];
  for (const c of cases) {
    test(c.description, async () => {
      const err = await configErrorOf({ plugin: requestId, config: c.config });
      assert.ok(err, 'rejected');
      assert.equal(err.path, c.path);
      assert.match(err.message, c.message);
    });
  }
});
