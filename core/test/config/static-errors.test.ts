import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIssue } from '../../src/config/issues.js';
import { errorsOf, fixture, load } from './helpers.js';

type Expected = { file: string | undefined; path: string; message: RegExp };
const fromFile = (name: string) => `--configFile=${fixture(name)}`;
const CLI = 'command line';

/** Every error names where the option comes from (file, command line or variable) and its full key path. */
const cases: Array<{ desc: string; argv: string[]; env?: Record<string, string>; errors: Expected[] }> = [
  {
    desc: 'missing file named by --configFile',
    argv: [fromFile('no-such-file.yml')],
    errors: [{ file: fixture('no-such-file.yml'), path: '', message: /configuration file not found/ }],
  },
  {
    desc: 'YAML syntax error, with line and column',
    argv: [fromFile('syntax-error.yml')],
    errors: [{ file: fixture('syntax-error.yml'), path: '', message: /^YAML syntax error at line 4, column \d+: / }],
  },
  {
    desc: 'TOML syntax error, with line and column',
    argv: [fromFile('syntax-error.toml')],
    errors: [{ file: fixture('syntax-error.toml'), path: '', message: /^TOML syntax error at line 3, column 15: / }],
  },
  {
    desc: 'file whose top level is not a map',
    argv: [fromFile('not-a-map.yml')],
    errors: [{ file: fixture('not-a-map.yml'), path: '', message: /must hold a map/ }],
  },
  {
    desc: 'file extension neither YAML nor TOML',
    argv: [fromFile('wrong-extension.json')],
    errors: [{ file: fixture('wrong-extension.json'), path: '', message: /unsupported configuration file extension "\.json"/ }],
  },
  {
    desc: 'unknown key, with a suggestion and the full path (and the missing required key)',
    argv: [fromFile('unknown-key.yml')],
    errors: [
      { file: fixture('unknown-key.yml'), path: 'entryPoints.web.adress', message: /^unknown key "adress" \(did you mean "address"\?\)$/ },
      { file: fixture('unknown-key.yml'), path: 'entryPoints.web.address', message: /^is required$/ },
    ],
  },
  {
    desc: 'wrong types',
    argv: [fromFile('wrong-type.yml')],
    errors: [
      { file: fixture('wrong-type.yml'), path: 'entryPoints.web.transport.keepAliveMaxRequests', message: /expected a number, got string "many"/ },
      { file: fixture('wrong-type.yml'), path: 'log.noColor', message: /expected true or false, got string "maybe"/ },
    ],
  },
  {
    desc: 'bad entry point addresses',
    argv: [fromFile('bad-address.yml')],
    errors: [
      { file: fixture('bad-address.yml'), path: 'entryPoints.web.address', message: /invalid address "localhost": expected \[host\]:port/ },
      { file: fixture('bad-address.yml'), path: 'entryPoints.udp.address', message: /invalid protocol "sctp"/ },
    ],
  },
  {
    desc: 'bad duration',
    argv: [fromFile('bad-duration.yml')],
    errors: [{ file: fixture('bad-duration.yml'), path: 'entryPoints.web.transport.respondingTimeouts.readTimeout', message: /invalid duration "10 seconds"/ }],
  },
  {
    desc: 'options Portico does not implement yet are rejected, not ignored',
    argv: [fromFile('unsupported.yml')],
    errors: [
      { file: fixture('unsupported.yml'), path: 'metrics', message: /^not supported yet by Portico/ },
      { file: fixture('unsupported.yml'), path: 'certificatesResolvers', message: /^not supported yet by Portico/ },
      { file: fixture('unsupported.yml'), path: 'entryPoints.web.proxyProtocol', message: /^not supported yet by Portico$/ },
      { file: fixture('unsupported.yml'), path: 'providers.docker', message: /^not supported yet by Portico \(no provider plugin named "docker" is installed\)$/ },
    ],
  },
  {
    desc: 'unsupported option given as a flag',
    argv: ['--tracing.serviceName=x'],
    errors: [{ file: CLI, path: 'tracing', message: /^not supported yet by Portico/ }],
  },
  {
    desc: 'unknown flag key, with the flag\'s path',
    argv: ['--entryPoints.web.address=:80', '--entryPoints.web.transport.respondingTimeout.readTimeout=5s'],
    errors: [{ file: CLI, path: 'entryPoints.web.transport.respondingTimeout', message: /unknown key "respondingTimeout" \(did you mean "respondingTimeouts"\?\)/ }],
  },
  {
    desc: 'stray positional argument',
    argv: ['--ping', 'portico.yml'],
    errors: [{ file: CLI, path: '', message: /unexpected argument "portico.yml"/ }],
  },
  {
    desc: 'empty flag key',
    argv: ['--entryPoints..address=:80'],
    errors: [{ file: CLI, path: 'entryPoints..address', message: /bad flag syntax/ }],
  },
  {
    desc: 'flag missing its value',
    argv: ['--log.level', '--ping'],
    errors: [{ file: CLI, path: 'log.level', message: /flag --log.level needs a value/ }],
  },
  {
    desc: 'value outside an enumeration',
    argv: ['--log.level=LOUD'],
    errors: [{ file: CLI, path: 'log.level', message: /must be one of "TRACE", .*got string "LOUD"/ }],
  },
  {
    desc: 'bad status code range',
    argv: ['--accessLog.filters.statusCodes=200,5xx'],
    errors: [{ file: CLI, path: 'accessLog.filters.statusCodes[1]', message: /invalid status code range "5xx"/ }],
  },
  {
    desc: 'wrong type from an environment variable names the variable',
    argv: [],
    env: { PORTICO_ENTRYPOINTS_WEB_ADDRESS: ':80', PORTICO_ENTRYPOINTS_WEB_ASDEFAULT: 'yes' },
    errors: [{ file: 'environment variable PORTICO_ENTRYPOINTS_WEB_ASDEFAULT', path: 'entryPoints.web.asDefault', message: /expected true or false/ }],
  },
  {
    desc: 'redirection to an entry point that does not exist',
    argv: ['--entryPoints.web.address=:80', '--entryPoints.web.http.redirections.entryPoint.to=websecure'],
    errors: [{ file: CLI, path: 'entryPoints.web.http.redirections.entryPoint.to', message: /entry point "websecure", which does not exist/ }],
  },
  {
    desc: 'redirection without a target',
    argv: ['--entryPoints.web.address=:80', '--entryPoints.web.http.redirections.entryPoint.scheme=https'],
    errors: [{ file: CLI, path: 'entryPoints.web.http.redirections.entryPoint.to', message: /^is required$/ }],
  },
  {
    desc: 'ping on an entry point that does not exist',
    argv: ['--entryPoints.web.address=:80', '--ping.entryPoint=health'],
    errors: [{ file: CLI, path: 'ping.entryPoint', message: /entry point "health" does not exist; entry points: web/ }],
  },
  {
    desc: 'relative api.basePath',
    argv: ['--api.basePath=dashboard'],
    errors: [{ file: CLI, path: 'api.basePath', message: /must be an absolute path/ }],
  },
];

describe('static configuration errors', () => {
  for (const c of cases) {
    test(c.desc, () => {
      const r = load(c.argv, c.env ?? {});
      const errors = errorsOf(r).map((i) => ({ file: i.file, path: i.path, message: i.message }));
      assert.equal(errors.length, c.errors.length, `errors: ${JSON.stringify(errors, null, 1)}`);
      for (const want of c.errors) {
        const found = errors.find((e) => e.file === want.file && e.path === want.path && want.message.test(e.message));
        assert.ok(found, `expected ${want.file}: ${want.path}: ${want.message} among ${JSON.stringify(errors, null, 1)}`);
      }
    });
  }

  test('every problem is reported, not only the first', () => {
    const r = load([fromFile('wrong-type.yml'), '--log.level=LOUD', '--entryPoints.web.address=nowhere']);
    assert.deepEqual(errorsOf(r).map((i) => i.path).sort(), ['entryPoints.web.address', 'entryPoints.web.transport.keepAliveMaxRequests', 'log.level', 'log.noColor']);
  });

  test('deprecated v2 rule syntax is a warning, not an error', () => {
    const r = load(['--core.defaultRuleSyntax=v2']);
    assert.deepEqual(errorsOf(r), []);
    assert.deepEqual(r.issues.map(formatIssue), ['warning: command line: core.defaultRuleSyntax: the v2 rule syntax is deprecated; prefer v3']);
  });

  test('formatted issue reads file: path: message', () => {
    const [issue] = errorsOf(load([fromFile('bad-duration.yml')]));
    assert.match(formatIssue(issue), /bad-duration\.yml: entryPoints\.web\.transport\.respondingTimeouts\.readTimeout: invalid duration/);
  });
});
