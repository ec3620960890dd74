import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, load } from './helpers.js';

/**
 * Traefik's SetEffectiveConfiguration: no entry point at all → `http` on :80; api.insecure, or ping routed
 * automatically to the entry point `traefik`, with no entry point of that name → `traefik` on :8080.
 */
const cases: Array<{ desc: string; argv: string[]; entryPoints: Record<string, string>; implicit: string[] }> = [
  { desc: 'nothing configured: http on :80', argv: [], entryPoints: { http: ':80' }, implicit: ['http'] },
  { desc: 'api.insecure and no entry point: http and traefik', argv: ['--api.insecure'], entryPoints: { http: ':80', traefik: ':8080' }, implicit: ['http', 'traefik'] },
  { desc: 'api without insecure: no traefik entry point', argv: ['--api'], entryPoints: { http: ':80' }, implicit: ['http'] },
  { desc: 'api.insecure=false: no traefik entry point', argv: ['--api.insecure=false', '--entryPoints.web.address=:80'], entryPoints: { web: ':80' }, implicit: [] },
  { desc: 'ping with its default entry point: traefik created next to the user\'s', argv: ['--ping', '--entryPoints.web.address=:80'], entryPoints: { web: ':80', traefik: ':8080' }, implicit: ['traefik'] },
  { desc: 'ping on a user entry point: nothing created', argv: ['--ping.entryPoint=web', '--entryPoints.web.address=:80'], entryPoints: { web: ':80' }, implicit: [] },
  { desc: 'ping with manual routing: nothing created', argv: ['--ping.manualRouting', '--entryPoints.web.address=:80'], entryPoints: { web: ':80' }, implicit: [] },
  { desc: 'a user entry point named traefik is kept as is', argv: ['--api.insecure', '--entryPoints.traefik.address=127.0.0.1:9000'], entryPoints: { traefik: '127.0.0.1:9000' }, implicit: [] },
  { desc: 'user entry points: no http entry point', argv: ['--entryPoints.web.address=:8000'], entryPoints: { web: ':8000' }, implicit: [] },
];

describe('implicit entry points', () => {
  for (const c of cases) {
    test(c.desc, () => {
      const r = load(c.argv);
      assert.deepEqual(errorsOf(r), []);
      assert.deepEqual(Object.fromEntries(Object.entries(r.config.entryPoints).map(([n, ep]) => [n, ep.address])), c.entryPoints);
      assert.deepEqual(r.implicitEntryPoints, c.implicit);
    });
  }

  test('an implicit entry point carries every entry point default', () => {
    const { config } = load(['--api.insecure', '--entryPoints.web.address=:80']);
    const ep = config.entryPoints.traefik;
    assert.equal(ep.transport.respondingTimeouts.readTimeout, '60s');
    assert.equal(ep.transport.respondingTimeouts.idleTimeout, '180s');
    assert.equal(ep.transport.lifeCycle.graceTimeOut, '10s');
    assert.equal(ep.http.sanitizePath, true);
    assert.equal(ep.http.maxHeaderBytes, 1048576);
  });
});
