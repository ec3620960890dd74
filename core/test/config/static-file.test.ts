import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseDuration } from '../../src/config/duration.js';
import { FIXTURES, errorsOf, fixture, load } from './helpers.js';

describe('static configuration file', () => {
  test('YAML and TOML files giving the same configuration decode to the same value', () => {
    const yaml = load([`--configFile=${fixture('full.yml')}`]);
    const toml = load([`--configFile=${fixture('full.toml')}`]);
    assert.deepEqual(yaml.issues, []);
    assert.deepEqual(toml.issues, []);
    assert.deepEqual(yaml.config, toml.config);
  });

  const full = load([`--configFile=${fixture('full.yml')}`]);
  const cases: Array<{ desc: string; actual: () => unknown; expected: unknown }> = [
    { desc: 'file is reported with its absolute path', actual: () => full.file, expected: fixture('full.yml') },
    { desc: 'baseDir is the file folder', actual: () => full.baseDir, expected: FIXTURES },
    { desc: 'sources lists the file only', actual: () => full.sources, expected: ['file'] },
    { desc: 'entry point address', actual: () => full.config.entryPoints.websecure.address, expected: '127.0.0.1:8443' },
    { desc: 'list of trusted IPs', actual: () => full.config.entryPoints.websecure.forwardedHeaders.trustedIPs, expected: ['10.0.0.0/8', '192.168.1.1'] },
    { desc: 'duration given as a string', actual: () => full.config.entryPoints.websecure.transport.respondingTimeouts.readTimeout, expected: '30s' },
    {
      desc: 'duration given as a number of seconds (kept as the string the decoder coerces it to)',
      actual: () => parseDuration(full.config.entryPoints.websecure.transport.respondingTimeouts.idleTimeout),
      expected: 90_000,
    },
    { desc: 'default of an unset sibling duration', actual: () => full.config.entryPoints.websecure.transport.respondingTimeouts.writeTimeout, expected: '0s' },
    { desc: 'redirection defaults filled in', actual: () => full.config.entryPoints.web.http.redirections?.entryPoint?.permanent, expected: true },
    { desc: 'provider plugin section decoded by its schema', actual: () => full.config.providers.test, expected: { directory: join(FIXTURES, 'dynamic'), watch: true } },
    { desc: 'log file path resolved against the file folder', actual: () => full.config.log.filePath, expected: join(FIXTURES, 'logs/portico.log') },
    { desc: 'rootCAs file path resolved against the file folder', actual: () => full.config.serversTransport.rootCAs, expected: [join(FIXTURES, 'certs/ca.pem')] },
    { desc: 'access log header modes', actual: () => full.config.accessLog?.fields.headers, expected: { defaultMode: 'keep', names: { Authorization: 'redact' } } },
    { desc: 'api section present with its defaults', actual: () => full.config.api, expected: { dashboard: false, insecure: false, debug: false, basePath: '/', disableDashboardAd: false } },
    { desc: 'no implicit entry point when entry points are given and ping uses one', actual: () => full.implicitEntryPoints, expected: [] },
  ];
  for (const c of cases) test(c.desc, () => assert.deepEqual(c.actual(), c.expected));

  test('an empty file gives every default', () => {
    const r = load([`--configFile=${fixture('empty.yml')}`]);
    assert.deepEqual(errorsOf(r), []);
    assert.equal(r.config.log.level, 'ERROR');
    assert.equal(r.config.log.format, 'common');
    assert.equal(r.config.providers.providersThrottleDuration, '2s');
    assert.equal(r.config.serversTransport.maxIdleConnsPerHost, 200);
    assert.equal(r.config.core.defaultRuleSyntax, 'v3');
    assert.equal(r.config.global.checkNewVersion, true);
    assert.equal(r.config.api, undefined, 'api is off unless configured');
    assert.equal(r.config.ping, undefined, 'ping is off unless configured');
    assert.equal(r.config.accessLog, undefined, 'access log is off unless configured');
    assert.equal(r.config.providers.test, undefined, 'a provider runs only when configured, whatever its schema default');
  });

  test('keys match case-insensitively; user-chosen names keep their case', () => {
    const r = load([`--configFile=${fixture('case-insensitive.yml')}`]);
    assert.deepEqual(r.issues, []);
    assert.deepEqual(Object.keys(r.config.entryPoints), ['Web', 'traefik']);
    assert.equal(r.config.entryPoints.Web.address, ':8080');
    assert.equal(r.config.entryPoints.Web.transport.respondingTimeouts.readTimeout, '5s');
    assert.equal(r.config.log.level, 'DEBUG', 'enumerations match ignoring case and keep the canonical spelling');
  });

  test('YAML anchors and << merge keys', () => {
    const r = load([`--configFile=${fixture('yaml-merge-keys.yml')}`]);
    assert.deepEqual(r.issues, []);
    assert.equal(r.config.entryPoints.websecure.transport.respondingTimeouts.readTimeout, '5s');
    assert.equal(r.config.entryPoints.websecure.transport.keepAliveMaxRequests, 10);
  });

  describe('file search when no --configFile is given', () => {
    test('finds portico.toml in the first folder holding one, and resolves paths against it', () => {
      const dir = join(FIXTURES, 'search-dir');
      const r = load([], {}, [join(FIXTURES, 'no-such-folder'), dir]);
      assert.equal(r.file, join(dir, 'portico.toml'));
      assert.equal(r.baseDir, dir);
      assert.equal(r.config.entryPoints.found.address, ':9000');
      assert.equal(r.config.log.filePath, join(dir, 'portico.log'));
    });
    test('no file found: no error, baseDir is the working directory, no sources', () => {
      const r = load([], {}, [join(FIXTURES, 'no-such-folder')]);
      assert.equal(r.file, undefined);
      assert.equal(r.baseDir, FIXTURES);
      assert.deepEqual(r.sources, []);
      assert.deepEqual(errorsOf(r), []);
    });
    test('PORTICO_CONFIGFILE names the file like --configFile', () => {
      const r = load([], { PORTICO_CONFIGFILE: 'minimal.yml' });
      assert.equal(r.file, fixture('minimal.yml'));
      assert.equal(r.config.entryPoints.web.address, ':8080');
    });
    test('--configFile wins over PORTICO_CONFIGFILE, and a relative path resolves against the working directory', () => {
      const r = load(['--configFile', 'minimal.yml'], { PORTICO_CONFIGFILE: 'empty.yml' });
      assert.equal(r.file, fixture('minimal.yml'));
    });
  });
});
