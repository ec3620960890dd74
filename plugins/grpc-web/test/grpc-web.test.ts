// grpcWeb: the request and response translation and CORS, through the test kit's in-memory wire and a fake
// upstream standing for a gRPC server (a trailers-only answer, as the transport relays heads today).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inject } from '@portico/sdk/testing';
import plugins from '../src/index.js';
import { Base64Encoder, decodeTextBody, toGrpcRequestHeaders, toGrpcWebResponseHeaders, trailerFrame } from '../src/codec.js';
import { preflightHeaders, originCheck } from '../src/cors.js';

/** One gRPC length-prefixed message. */
function frame(message: string, flag = 0): Buffer {
  const payload = Buffer.from(message);
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

const grpcAnswer = {
  status: 200,
  headers: { 'content-type': 'application/grpc+proto', 'grpc-status': '0', 'grpc-message': '' },
  body: frame('reply'),
};

describe('grpcWeb: translation', () => {
  test('a binary gRPC-Web call reaches the upstream as gRPC, the answer comes back as gRPC-Web', async () => {
    const res = await inject(
      { plugin: plugins, config: { allowOrigins: ['https://app.example'] } },
      { method: 'POST', path: '/pkg.Service/Method', headers: { 'content-type': 'application/grpc-web+proto', origin: 'https://app.example', 'x-grpc-web': '1' }, body: frame('hello') },
      { upstream: grpcAnswer },
    );
    const up = res.upstream!;
    assert.equal(up.headers['content-type'], 'application/grpc+proto');
    assert.equal(up.headers['content-length'], undefined);
    assert.deepEqual(up.body, frame('hello'));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/grpc-web+proto');
    assert.equal(res.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    assert.match(String(res.headers['access-control-expose-headers']), /Grpc-Status.*grpc-status, grpc-message$/);
    // The message, then an empty trailer frame: grpc-status already went out in the head (trailers-only).
    assert.deepEqual(res.body, Buffer.concat([frame('reply'), Buffer.from([0x80, 0, 0, 0, 0])]));
  });

  test('grpc-web-text: the base64 body is decoded for the upstream and the answer is base64', async () => {
    const res = await inject(
      { plugin: plugins, config: {} },
      { method: 'POST', path: '/pkg.Service/Method', headers: { 'content-type': 'application/grpc-web-text' }, body: frame('hello').toString('base64') },
      { upstream: grpcAnswer },
    );
    assert.equal(res.upstream?.headers['content-type'], 'application/grpc');
    assert.deepEqual(res.upstream?.body, frame('hello'));
    assert.equal(res.headers['content-type'], 'application/grpc-web-text+proto');
    assert.deepEqual(Buffer.from(res.text, 'base64'), Buffer.concat([frame('reply'), Buffer.from([0x80, 0, 0, 0, 0])]));
    assert.equal(res.headers['access-control-allow-origin'], undefined, 'no origin, no CORS');
  });

  test('a text body that is not base64 is refused before the upstream', async () => {
    const res = await inject({ plugin: plugins, config: {} }, { method: 'POST', path: '/s/m', headers: { 'content-type': 'application/grpc-web-text' }, body: '!!not base64!!' });
    assert.equal(res.status, 400);
    assert.equal(res.upstream, undefined);
  });

  const passthrough: { desc: string; method: string; contentType?: string }[] = [
    { desc: 'a plain GET', method: 'GET' },
    { desc: 'a JSON POST', method: 'POST', contentType: 'application/json' },
    { desc: 'a native gRPC call', method: 'POST', contentType: 'application/grpc' },
    { desc: 'a GET with a gRPC-Web content-type (only POSTs are calls)', method: 'GET', contentType: 'application/grpc-web' },
  ];
  for (const c of passthrough) {
    test(`passes through untouched: ${c.desc}`, async () => {
      const headers: Record<string, string> = c.contentType ? { 'content-type': c.contentType } : {};
      const res = await inject({ plugin: plugins, config: { allowOrigins: ['*'] } }, { method: c.method, path: '/x', headers, body: c.method === 'POST' ? 'body' : undefined }, { upstream: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'plain' } });
      assert.equal(res.text, 'plain');
      assert.equal(res.upstream?.headers['content-type'], c.contentType);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    });
  }
});

describe('grpcWeb: CORS preflight', () => {
  const preflight = (origin: string | undefined, requestHeaders = 'content-type,x-grpc-web,x-user-agent') => ({
    method: 'OPTIONS',
    path: '/pkg.Service/Method',
    headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
  });

  test('an allowed origin: answered 204 here, with the CORS grant', async () => {
    const res = await inject({ plugin: plugins, config: { allowOrigins: ['https://app.example'] } }, preflight('https://app.example'));
    assert.equal(res.status, 204);
    assert.equal(res.upstream, undefined);
    assert.equal(res.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(res.headers['access-control-allow-methods'], 'POST');
    assert.equal(res.headers['access-control-allow-headers'], 'content-type,x-grpc-web,x-user-agent');
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    assert.equal(res.headers['access-control-max-age'], '600');
  });

  test('"*" allows any origin (echoed, since credentials are allowed)', async () => {
    const res = await inject({ plugin: plugins, config: { allowOrigins: ['*'] } }, preflight('https://other.example'));
    assert.equal(res.headers['access-control-allow-origin'], 'https://other.example');
  });

  test('an origin not listed: 204 without any grant', async () => {
    const res = await inject({ plugin: plugins, config: { allowOrigins: ['https://app.example'] } }, preflight('https://evil.example'));
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(res.upstream, undefined);
  });

  test('a preflight for something else than gRPC-Web goes to the upstream', async () => {
    const res = await inject({ plugin: plugins, config: { allowOrigins: ['*'] } }, preflight('https://app.example', 'content-type'));
    assert.ok(res.upstream, 'the upstream answers other preflights');
  });
});

describe('grpcWeb: building blocks', () => {
  test('request content-types', () => {
    const table: [string, string, boolean][] = [
      ['application/grpc-web', 'application/grpc', false],
      ['application/grpc-web+proto', 'application/grpc+proto', false],
      ['application/grpc-web-text', 'application/grpc', true],
      ['application/grpc-web-text+proto', 'application/grpc+proto', true],
    ];
    for (const [given, want, text] of table) {
      const headers: Record<string, string> = { 'content-type': given, 'content-length': '12' };
      assert.equal(toGrpcRequestHeaders(headers).text, text, given);
      assert.equal(headers['content-type'], want, given);
      assert.equal(headers['content-length'], undefined);
    }
  });

  test('response head: content-type, no length, expose list', () => {
    const headers: Record<string, string> = { 'content-type': 'application/grpc', 'content-length': '7', 'grpc-status': '0', trailer: 'grpc-status' };
    const sent = toGrpcWebResponseHeaders(headers, false);
    assert.equal(headers['content-type'], 'application/grpc-web');
    assert.equal(headers['content-length'], undefined);
    assert.equal(headers['trailer'], undefined);
    assert.equal(headers['access-control-expose-headers'], 'Content-Type, Grpc-Status, grpc-status, grpc-message');
    assert.ok(sent.has('grpc-status'));
  });

  test('trailer frame: 0x80, length, sorted lower-case lines; names sent in the head left out', () => {
    const f = trailerFrame({ 'Grpc-Status': '3', 'grpc-message': 'bad', 'x-multi': ['a', 'b'], 'content-type': 'application/grpc' }, new Set(['content-type']));
    const payload = 'grpc-message: bad\r\ngrpc-status: 3\r\nx-multi: a\r\nx-multi: b\r\n';
    assert.equal(f[0], 0x80);
    assert.equal(f.readUInt32BE(1), payload.length);
    assert.equal(f.subarray(5).toString(), payload);
  });

  test('base64 encoder: pieces are valid base64 after each flush', () => {
    const enc = new Base64Encoder();
    const data = Buffer.from('hello gRPC-Web world');
    const pieces = [enc.write(data.subarray(0, 4)), enc.write(data.subarray(4, 11)), enc.flush(), enc.write(data.subarray(11)), enc.flush()];
    const decoded = decodeTextBody(Buffer.concat(pieces));
    assert.deepEqual(decoded, data);
  });

  test('text bodies: one base64 string, or several padded ones back to back', () => {
    assert.deepEqual(decodeTextBody(Buffer.from(Buffer.from('abcd').toString('base64'))), Buffer.from('abcd'));
    const two = Buffer.from(Buffer.from('a').toString('base64') + Buffer.from('bc').toString('base64'));
    assert.deepEqual(decodeTextBody(two), Buffer.from('abc'));
  });

  test('preflight headers for a refused method', () => {
    const h = preflightHeaders({ origin: 'https://a', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'x-grpc-web' }, originCheck(['*']));
    assert.deepEqual(Object.keys(h), ['vary']);
  });
});
