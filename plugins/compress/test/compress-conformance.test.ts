import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import plugins, { encodingPolicy, getCompressionEncoding } from '../src/index.js';
import { canEncode } from '../src/encoders.js';
import {
  buildMiddleware,
  checkExpectations,
  findPlugin,
  loadMiddlewareCases,
  startHarness,
  type MiddlewareCase,
  type UpstreamCall,
} from '../../../test/helpers/middleware-harness.js';
import { bytesUpstream, decodeBody, generateBytes, rawRequest } from './raw-client.js';

const plugin = findPlugin(plugins, 'compress');
const cases = loadMiddlewareCases('compress');

/** The corpus describes Traefik's generated bodies in words; everything else is the literal body. */
function backendBody(description: string | undefined): Buffer {
  if (description === undefined) return Buffer.alloc(0);
  const generated = /^(\d+) bytes(:| generateBytes)/.exec(description);
  return generated === null ? Buffer.from(description) : generateBytes(Number(generated[1]));
}

/** Expectations about the body, which checkExpectations (UTF-8 bodies) does not know. */
const BODY_KEYS = new Set(['bodyDecodesToBackendBody', 'bodyEqualsBackendBody', 'bodyDiffersFromBackendBody']);

describe('compress conformance: getCompressionEncoding (component cases)', () => {
  const component = cases.filter((c) => c.component === 'compress.getCompressionEncoding');
  let passed = 0;
  after(() => console.log(`compress getCompressionEncoding conformance: ${passed}/${component.length} cases passed`));
  for (const c of component) {
    test(`${c.id} ${c.desc}`, () => {
      const config = c.config as { encodings?: string[]; defaultEncoding?: string };
      // Traefik's test builds the middleware with all three encodings when the case names none.
      const policy = encodingPolicy(config.encodings ?? ['gzip', 'br', 'zstd'], config.defaultEncoding, canEncode);
      assert.ok(policy !== null);
      const header = c.request?.headers?.['Accept-Encoding'];
      const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
      assert.equal(getCompressionEncoding(lines, policy), c.expect.selectedEncoding);
      passed++;
    });
  }
});

describe('compress conformance: end to end (middlewares.json)', () => {
  const e2e = cases.filter((c) => c.component === undefined);
  let passed = 0;
  after(() => console.log(`compress end-to-end conformance: ${passed}/${e2e.length} cases passed`));
  for (const c of e2e) {
    test(`${c.id} ${c.desc}`, async () => {
      await runCase(c);
      passed++;
    });
  }
});

async function runCase(c: MiddlewareCase): Promise<void> {
  const body = backendBody(c.backend?.body);
  const upstream = bytesUpstream({ status: c.backend?.status, headers: c.backend?.headers, body });
  const h = await startHarness({ middlewares: await buildMiddleware(plugin, c.config), terminal: upstream.handler });
  try {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.request?.headers ?? {})) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const res = await rawRequest(h.port, { method: c.request?.method, headers });
    assert.deepEqual(h.errors, []);
    const calls = upstream.seen.map((seenHeaders) => ({ headers: seenHeaders }) as UpstreamCall);
    const checkable = { ...c, expect: Object.fromEntries(Object.entries(c.expect).filter(([k]) => !BODY_KEYS.has(k))) };
    const unchecked = checkExpectations(assert, checkable, { ...res, body: res.body.toString('latin1') }, calls);
    assert.deepEqual(unchecked, [], `${c.id}: expectations this test cannot check`);
    if (c.expect.bodyDecodesToBackendBody === true) assert.ok(decodeBody(res).equals(body), `${c.id}: decoded body`);
    if (c.expect.bodyEqualsBackendBody === true) assert.ok(res.body.equals(body), `${c.id}: body unchanged`);
    if (c.expect.bodyDiffersFromBackendBody === true) {
      assert.ok(!res.body.equals(body), `${c.id}: body compressed`);
      assert.ok(decodeBody(res).equals(body), `${c.id}: compressed body decodes to the backend body`);
    }
  } finally {
    await h.close();
  }
}
