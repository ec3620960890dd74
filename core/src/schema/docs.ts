import type { TSchema } from '@sinclair/typebox';
import { formatDefault, listOptions, type OptionDoc } from '../config/static/options.js';

/**
 * Reference docs as Markdown tables, from the same schema walk `--help` uses (config/static/options.ts), so the
 * docs, the help and the decoder cannot drift apart.
 */
export function optionsTable(schema: TSchema, prefix = ''): string {
  const esc = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const cell = (o: OptionDoc) => {
    const d = formatDefault(o.default);
    return d !== undefined && d !== '' ? `\`${esc(d)}\`` : o.required ? 'required' : '';
  };
  const rows = listOptions(schema, prefix).map((o) => `| \`${o.path}\` | ${esc(o.type)} | ${cell(o)} | ${esc(o.description)} |`);
  return ['| Option | Type | Default | Description |', '|---|---|---|---|', ...rows].join('\n');
}
