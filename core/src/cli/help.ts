import type { TSchema } from '@sinclair/typebox';
import { formatDefault, listOptions } from '../config/static/options.js';
import { COMMANDS } from './args.js';

const WIDTH = 100;
const INDENT = '      ';

/**
 * `portico --help`: the commands, how the static configuration is given (file, environment, flags), and every
 * static option with its type, default and description — generated from the schema, provider plugins included,
 * so the help never drifts from what the loader accepts.
 */
export function renderHelp(schema: TSchema): string {
  const lines: string[] = [
    'Portico: a Traefik-compatible edge router and reverse proxy.',
    '',
    'Usage:',
    '  portico [command] [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.description}`),
    '',
    'Static configuration (Traefik v3 key names; keys are case-insensitive):',
    '  File         --configFile=<path> (or PORTICO_CONFIGFILE), YAML (.yml, .yaml) or TOML (.toml). Without it,',
    '               portico.yml, portico.yaml or portico.toml is looked for in the working directory, then',
    '               $HOME/.config/, then /etc/portico/. Relative paths in the file resolve against its folder.',
    '  Environment  PORTICO_ + the key path upper-cased with "_" between keys:',
    '               PORTICO_ENTRYPOINTS_WEB_ADDRESS=:80 is entryPoints.web.address; PORTICO_PING=true enables ping.',
    '               Names given this way are lower-cased and cannot contain "_"; list elements are indexes (_0_).',
    '  Flags        --entryPoints.web.address=:80 or --entryPoints.web.address :80; a bare --ping means true;',
    '               lists comma-separated (--x.trustedIPs=10.0.0.0/8,192.168.0.1) or repeated; list elements --x[0].y=v.',
    '  Unlike Traefik, which uses only one of them, Portico merges the three: the file, then the environment,',
    '  then the flags, each overriding the previous one option by option.',
    '',
    'Options:',
  ];
  for (const option of listOptions(schema)) {
    const facts = [option.type];
    if (option.required) facts.push('required');
    const shown = formatDefault(option.default);
    if (shown !== undefined) facts.push(`default: ${shown}`);
    lines.push(`  --${option.path}  (${facts.join(', ')})`);
    if (option.description !== '') lines.push(...wrap(option.description, WIDTH - INDENT.length).map((l) => INDENT + l));
  }
  return `${lines.join('\n')}\n`;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(line);
  return out;
}
