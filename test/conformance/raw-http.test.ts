// The raw HTTP client of the conformance runner: exact request bytes, response parsing, socket handling.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { headerValues, parseResponse, sendRaw, serializeRequest } from './raw-http.js';

describe('serializeRequest', () => {
  test('keeps method case, target, header order and repeated lines; UTF-8 for non-ASCII', () => {
    const bytes = serializeRequest({
      method: 'get',
      target: 'http://@/',
      headers: [['Host', '🦭.com'], ['X-A', '1'], ['x-a', '2']],
      body: 'hi',
    });
    assert.equal(bytes.toString('utf8'), 'get http://@/ HTTP/1.1\r\nHost: 🦭.com\r\nX-A: 1\r\nx-a: 2\r\n\r\nhi');
  });
});

describe('parseResponse', () => {
  const cases: { desc: string; raw: string; ended?: boolean; head?: boolean; expect: { status: number; body: string } | undefined }[] = [
    { desc: 'content-length body', raw: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc', expect: { status: 200, body: 'abc' } },
    { desc: 'incomplete content-length body', raw: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc', expect: undefined },
    { desc: 'incomplete head', raw: 'HTTP/1.1 200 OK\r\nContent-Le', expect: undefined },
    { desc: 'chunked body', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n', expect: { status: 200, body: 'abcde' } },
    { desc: 'chunked with trailer', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nT: 1\r\n\r\n', expect: { status: 200, body: 'x' } },
    { desc: 'chunked without last chunk', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n', expect: undefined },
    { desc: 'close-delimited body, still open', raw: 'HTTP/1.1 404 Not Found\r\n\r\nnope', expect: undefined },
    { desc: 'close-delimited body, ended', raw: 'HTTP/1.1 404 Not Found\r\n\r\nnope', ended: true, expect: { status: 404, body: 'nope' } },
    { desc: '1xx interim response skipped', raw: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n', expect: { status: 204, body: '' } },
    { desc: 'HEAD has no body', raw: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', head: true, expect: { status: 200, body: '' } },
    { desc: 'status line without reason', raw: 'HTTP/1.1 400\r\nContent-Length: 0\r\n\r\n', expect: { status: 400, body: '' } },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const res = parseResponse(Buffer.from(c.raw, 'latin1'), c.head ?? false, c.ended ?? false);
      assert.deepEqual(res && { status: res.status, body: res.body.toString('latin1') }, c.expect);
    });
  }

  test('header lines are kept in order with their case', () => {
    const res = parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nVary: A\r\nvary: B\r\nContent-Length: 0\r\n\r\n'), false, false);
    assert.deepEqual(headerValues(res!.headers, 'VARY'), ['A', 'B']);
    assert.deepEqual(res!.headers[0], ['Vary', 'A']);
  });

  test('malformed status line throws', () => {
    assert.throws(() => parseResponse(Buffer.from('SSH-2.0\r\n\r\n'), false, false), /malformed status line/);
  });
});

describe('sendRaw', () => {
  async function withServer(onSocket: (s: Socket) => void, fn: (port: number) => Promise<void>): Promise<void> {
    const server = createServer(onSocket);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await fn((server.address() as { port: number }).port);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  test('sends the bytes unchanged from the requested source address and parses the answer', async () => {
    let received = '';
    let remote = '';
    await withServer(
      (s) => {
        remote = s.remoteAddress ?? '';
        s.on('data', (d) => {
          received += d.toString('latin1');
          if (received.endsWith('\r\n\r\n')) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        });
      },
      async (port) => {
        const raw = 'GET /a%2Fb?x HTTP/1.1\r\nHost: example.com\r\n\r\n';
        const res = await sendRaw(port, Buffer.from(raw), { localAddress: '127.0.0.2' });
        assert.equal(received, raw);
        assert.equal(remote, '127.0.0.2');
        assert.equal(res.status, 200);
        assert.equal(res.body.toString(), 'ok');
      },
    );
  });

  test('a close without any response is an error', async () => {
    await withServer(
      (s) => s.on('data', () => s.end()),
      async (port) => {
        await assert.rejects(sendRaw(port, Buffer.from('GET / HTTP/1.1\r\n\r\n')), /closed without a response/);
      },
    );
  });

  test('times out when the answer never completes', async () => {
    await withServer(
      (s) => s.on('data', () => s.write('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc')),
      async (port) => {
        await assert.rejects(sendRaw(port, Buffer.from('GET / HTTP/1.1\r\n\r\n'), { timeoutMs: 100 }), /no complete response within 100 ms/);
      },
    );
  });
});
