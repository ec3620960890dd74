import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kind, type TSchema } from '@sinclair/typebox';
import { parseCommandLine, type CommandLine } from '../../src/cli/args.js';
import { renderHelp } from '../../src/cli/help.js';
import { listOptions } from '../../src/config/static/options.js';
import { buildStaticSchema } from '../../src/config/static/schema.js';
import { testProviderSchemas } from './helpers.js';

const commandLines: Array<{ desc: string; argv: string[]; expected: CommandLine }> = [
  { desc: 'no command runs the proxy', argv: ['--configFile=portico.yml'], expected: { command: 'run', staticArgs: ['--configFile=portico.yml'] } },
  { desc: 'nothing at all runs the proxy', argv: [], expected: { command: 'run', staticArgs: [] } },
  { desc: 'validate with its file', argv: ['validate', '--configFile=p.yml'], expected: { command: 'validate', staticArgs: ['--configFile=p.yml'] } },
  { desc: 'validate with a separate file value', argv: ['validate', '--configFile', 'p.yml'], expected: { command: 'validate', staticArgs: ['--configFile', 'p.yml'] } },
  { desc: 'version', argv: ['version'], expected: { command: 'version', staticArgs: [] } },
  { desc: '--version', argv: ['--version'], expected: { command: 'version', staticArgs: [] } },
  { desc: 'help command', argv: ['help'], expected: { command: 'help', staticArgs: [] } },
  { desc: '--help', argv: ['--help'], expected: { command: 'help', staticArgs: [] } },
  { desc: '-h among flags', argv: ['--ping', '-h'], expected: { command: 'help', staticArgs: ['--ping'] } },
  { desc: 'validate --help', argv: ['validate', '--help'], expected: { command: 'help', staticArgs: [] } },
  { desc: '-h after -- is not a help request', argv: ['--', '-h'], expected: { command: 'run', staticArgs: ['--', '-h'] } },
  {
    desc: 'unknown command',
    argv: ['serve', '--ping'],
    expected: { command: 'help', staticArgs: ['--ping'], error: 'unknown command "serve" (commands: validate, version, help; none runs the proxy)' },
  },
];

describe('command line', () => {
  for (const c of commandLines) test(c.desc, () => assert.deepEqual(parseCommandLine(c.argv), c.expected));
});

describe('help and schema documentation', () => {
  const schema = buildStaticSchema(testProviderSchemas);
  const help = renderHelp(schema);

  const expectedLines: Array<{ desc: string; text: RegExp }> = [
    { desc: 'commands', text: /^ {2}validate +Check the static and dynamic configuration/m },
    { desc: 'required option', text: /^ {2}--entryPoints\.<name>\.address {2}\(string, required\)$/m },
    { desc: 'duration with its default', text: /^ {2}--entryPoints\.<name>\.transport\.respondingTimeouts\.readTimeout {2}\(duration, default: 60s\)$/m },
    { desc: 'enumeration with its default', text: /^ {2}--log\.level {2}\(TRACE\|DEBUG\|INFO\|WARN\|ERROR\|FATAL\|PANIC, default: ERROR\)$/m },
    { desc: 'optional section', text: /^ {2}--ping {2}\(section\)$/m },
    { desc: 'list', text: /^ {2}--entryPoints\.<name>\.forwardedHeaders\.trustedIPs {2}\(list of string\)$/m },
    { desc: 'map of user-chosen names', text: /^ {2}--accessLog\.fields\.headers\.names\.<name> {2}\(keep\|drop\|redact\)$/m },
    { desc: 'provider plugin options', text: /^ {2}--providers\.test\.watch {2}\(boolean, default: true\)$/m },
    { desc: 'description under its option', text: /--ping\.terminatingStatusCode {2}\(integer, default: 503\)\n {6}Status \/ping answers while Portico shuts down\./ },
    { desc: 'environment variable convention', text: /PORTICO_ENTRYPOINTS_WEB_ADDRESS=:80 is entryPoints\.web\.address/ },
    { desc: 'merge order', text: /the file, then the environment,\s+then the flags/ },
  ];
  for (const c of expectedLines) test(`help shows: ${c.desc}`, () => assert.match(help, c.text));

  test('every static option has a description, and a default unless it is required or a map of names', () => {
    const missing = listOptions(schema)
      .filter((o) => !o.path.startsWith('providers.test'))
      .filter((o) => o.description === '' || (o.default === undefined && !o.required && o.type !== 'section' && !o.path.endsWith('<name>')))
      .map((o) => o.path);
    assert.deepEqual(missing, []);
  });

  test('every option of the schema is listed in the help', () => {
    const leaves: string[] = [];
    const collect = (s: TSchema, path: string): void => {
      if (s[Kind] === 'Object') for (const [k, v] of Object.entries(s.properties as Record<string, TSchema>)) collect(v, path ? `${path}.${k}` : k);
      else if (s[Kind] === 'Record') collect(Object.values(s.patternProperties as Record<string, TSchema>)[0], `${path}.<name>`);
      else leaves.push(path);
    };
    collect(schema, '');
    const absent = leaves.filter((p) => !help.includes(`--${p}  (`));
    assert.ok(leaves.length > 50, `only ${leaves.length} options found`);
    assert.deepEqual(absent, []);
  });
});
