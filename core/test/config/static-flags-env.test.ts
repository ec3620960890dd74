import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StaticConfig } from '../../src/config/static/schema.js';
import { errorsOf, fixture, load } from './helpers.js';

type Case = { desc: string; argv?: string[]; env?: Record<string, string>; check: (c: StaticConfig) => unknown; expected: unknown };

function run(cases: Case[]): void {
  for (const c of cases) {
    test(c.desc, () => {
      const r = load(c.argv ?? [], c.env ?? {});
      assert.deepEqual(errorsOf(r), []);
      assert.deepEqual(c.check(r.config), c.expected);
    });
  }
}

describe('static configuration flags', () => {
  run([
    { desc: '--a.b.c=value', argv: ['--entryPoints.web.address=:8080'], check: (c) => c.entryPoints.web.address, expected: ':8080' },
    { desc: '--a.b.c value', argv: ['--entryPoints.web.address', ':8080'], check: (c) => c.entryPoints.web.address, expected: ':8080' },
    { desc: 'single dash', argv: ['-entryPoints.web.address=:8080'], check: (c) => c.entryPoints.web.address, expected: ':8080' },
    { desc: 'bare section flag enables it with defaults', argv: ['--ping'], check: (c) => c.ping, expected: { entryPoint: 'traefik', manualRouting: false, terminatingStatusCode: 503 } },
    { desc: 'bare boolean flag is true and takes no value', argv: ['--api.insecure', '--log.level', 'INFO'], check: (c) => [c.api?.insecure, c.log.level], expected: [true, 'INFO'] },
    { desc: 'boolean flag given false', argv: ['--api.dashboard=false'], check: (c) => c.api?.dashboard, expected: false },
    { desc: 'section switched off with =false', argv: ['--ping=false'], check: (c) => c.ping, expected: undefined },
    { desc: 'keys are case-insensitive', argv: ['--ENTRYPOINTS.web.ADDRESS=:81', '--log.LEVEL=warn'], check: (c) => [c.entryPoints.web.address, c.log.level], expected: [':81', 'WARN'] },
    {
      desc: 'comma-separated list',
      argv: ['--entryPoints.web.address=:80', '--entryPoints.web.forwardedHeaders.trustedIPs=1.2.3.4,5.6.7.8'],
      check: (c) => c.entryPoints.web.forwardedHeaders.trustedIPs,
      expected: ['1.2.3.4', '5.6.7.8'],
    },
    {
      desc: 'repeated list flag adds to the list',
      argv: ['--entryPoints.web.address=:80', '--entryPoints.web.forwardedHeaders.trustedIPs=1.2.3.4', '--entryPoints.web.forwardedHeaders.trustedIPs', '5.6.7.8'],
      check: (c) => c.entryPoints.web.forwardedHeaders.trustedIPs,
      expected: ['1.2.3.4', '5.6.7.8'],
    },
    {
      desc: 'indexed list elements',
      argv: ['--entryPoints.web.address=:80', '--entryPoints.web.http.middlewares[1]=b@file', '--entryPoints.web.http.middlewares[0]=a@file'],
      check: (c) => c.entryPoints.web.http.middlewares,
      expected: ['a@file', 'b@file'],
    },
    { desc: 'provider plugin section', argv: ['--providers.test.directory=conf', '--providers.test.watch=false'], check: (c) => c.providers.test, expected: { directory: `${fixture('conf')}`, watch: false } },
    { desc: 'bare provider flag enables it with its defaults', argv: ['--providers.test'], check: (c) => c.providers.test, expected: { directory: '', watch: true } },
    { desc: 'numbers from strings', argv: ['--entryPoints.web.address=:80', '--entryPoints.web.http.maxHeaderBytes=8192'], check: (c) => c.entryPoints.web.http.maxHeaderBytes, expected: 8192 },
  ]);
});

describe('static configuration environment variables', () => {
  run([
    { desc: 'PORTICO_ENTRYPOINTS_WEB_ADDRESS', env: { PORTICO_ENTRYPOINTS_WEB_ADDRESS: ':8080' }, check: (c) => c.entryPoints.web.address, expected: ':8080' },
    { desc: 'names are lower-cased (WEB is web)', env: { PORTICO_ENTRYPOINTS_WEB_ADDRESS: ':8080' }, check: (c) => Object.keys(c.entryPoints), expected: ['web'] },
    {
      desc: 'nested keys joined by _',
      env: { PORTICO_ENTRYPOINTS_WEB_ADDRESS: ':80', PORTICO_ENTRYPOINTS_WEB_TRANSPORT_RESPONDINGTIMEOUTS_READTIMEOUT: '5s' },
      check: (c) => c.entryPoints.web.transport.respondingTimeouts.readTimeout,
      expected: '5s',
    },
    { desc: 'PORTICO_PING=true enables a section', env: { PORTICO_PING: 'true' }, check: (c) => c.ping?.entryPoint, expected: 'traefik' },
    {
      desc: 'an enable value alongside options keeps the options',
      env: { PORTICO_PING: 'true', PORTICO_PING_ENTRYPOINT: 'web', PORTICO_ENTRYPOINTS_WEB_ADDRESS: ':80' },
      check: (c) => c.ping?.entryPoint,
      expected: 'web',
    },
    { desc: 'list from a comma-separated value', env: { PORTICO_PROVIDERS_PRECEDENCE: 'file,test' }, check: (c) => c.providers.precedence, expected: ['file', 'test'] },
    {
      desc: 'indexed list elements',
      env: { PORTICO_ENTRYPOINTS_WEB_ADDRESS: ':80', PORTICO_ENTRYPOINTS_WEB_HTTP_MIDDLEWARES_0: 'a@file', PORTICO_ENTRYPOINTS_WEB_HTTP_MIDDLEWARES_1: 'b@file' },
      check: (c) => c.entryPoints.web.http.middlewares,
      expected: ['a@file', 'b@file'],
    },
    { desc: 'PORTICO_* variables that are not configuration roots are ignored', env: { PORTICO_REPO_ROOT: '/x', PORTICO_LOG_LEVEL: 'INFO' }, check: (c) => c.log.level, expected: 'INFO' },
    { desc: 'variable names are case-insensitive', env: { portico_log_level: 'debug' }, check: (c) => c.log.level, expected: 'DEBUG' },
  ]);

  test('a near miss of a root is reported, not ignored', () => {
    const r = load([], { PORTICO_ENTRYPOINT_WEB_ADDRESS: ':80' });
    const [issue] = errorsOf(r);
    assert.match(issue.message, /unknown key "entrypoint".*PORTICO_ENTRYPOINTS/);
  });

  test('a name containing "_" cannot be given: the error explains why and names the variable', () => {
    const r = load([], { PORTICO_ENTRYPOINTS_MY_EP_ADDRESS: ':80' });
    const issue = errorsOf(r).find((i) => i.path === 'entryPoints.my.ep');
    assert.ok(issue, JSON.stringify(r.issues));
    assert.equal(issue.file, 'environment variable PORTICO_ENTRYPOINTS_MY_EP_ADDRESS');
    assert.match(issue.message, /names cannot contain "_"/);
  });
});

describe('merging sources: file, then environment, then flags', () => {
  const file = `--configFile=${fixture('full.yml')}`;
  const cases: Array<{ desc: string; argv: string[]; env: Record<string, string>; check: (c: StaticConfig) => unknown; expected: unknown; sources: string[] }> = [
    { desc: 'environment overrides the file', argv: [file], env: { PORTICO_LOG_LEVEL: 'WARN' }, check: (c) => c.log.level, expected: 'WARN', sources: ['file', 'env'] },
    { desc: 'flags override the environment', argv: [file, '--log.level=DEBUG'], env: { PORTICO_LOG_LEVEL: 'WARN' }, check: (c) => c.log.level, expected: 'DEBUG', sources: ['file', 'env', 'flags'] },
    {
      desc: 'an override changes one option and keeps the file\'s siblings',
      argv: [file, '--entryPoints.websecure.transport.respondingTimeouts.readTimeout=1s'],
      env: {},
      check: (c) => c.entryPoints.websecure.transport,
      expected: { respondingTimeouts: { readTimeout: '1s', idleTimeout: '90', writeTimeout: '0s' }, keepAliveMaxRequests: 100, lifeCycle: { requestAcceptGraceTimeout: '0s', graceTimeOut: '10s' }, keepAliveMaxTime: '0s' },
      sources: ['file', 'flags'],
    },
    { desc: 'an override with other key case hits the same entry', argv: [file, '--ENTRYPOINTS.WEBSECURE.ADDRESS=:9443'], env: {}, check: (c) => [Object.keys(c.entryPoints), c.entryPoints.websecure.address], expected: [['web', 'websecure'], ':9443'], sources: ['file', 'flags'] },
    { desc: 'a list from flags replaces the file\'s list', argv: [file, '--entryPoints.websecure.forwardedHeaders.trustedIPs=127.0.0.1'], env: {}, check: (c) => c.entryPoints.websecure.forwardedHeaders.trustedIPs, expected: ['127.0.0.1'], sources: ['file', 'flags'] },
    { desc: 'an indexed flag changes one element of the file\'s list', argv: [file, '--entryPoints.websecure.forwardedHeaders.trustedIPs[1]=127.0.0.1'], env: {}, check: (c) => c.entryPoints.websecure.forwardedHeaders.trustedIPs, expected: ['10.0.0.0/8', '127.0.0.1'], sources: ['file', 'flags'] },
    { desc: 'a bare --api over the file\'s api section keeps its options', argv: [file, '--api'], env: {}, check: (c) => c.api?.dashboard, expected: false, sources: ['file', 'flags'] },
    { desc: 'flags and environment add entry points to the file\'s', argv: [file, '--entryPoints.admin.address=:9000'], env: { PORTICO_ENTRYPOINTS_METRICS_ADDRESS: ':9100' }, check: (c) => Object.keys(c.entryPoints).sort(), expected: ['admin', 'metrics', 'web', 'websecure'], sources: ['file', 'env', 'flags'] },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const r = load(c.argv, c.env);
      assert.deepEqual(errorsOf(r), []);
      assert.deepEqual(c.check(r.config), c.expected);
      assert.deepEqual(r.sources, c.sources);
    });
  }
});
