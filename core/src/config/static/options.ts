import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';

/** One documented option of a configuration schema: what `--help` and the reference docs list. */
export interface OptionDoc {
  /** Flag-style key path; user-chosen names are `<name>`, list elements `[n]`: `entryPoints.<name>.address`. */
  path: string;
  /** `string`, `integer`, `boolean`, `duration`, `list of string`, `common|json`, or `section` (an optional map). */
  type: string;
  description: string;
  /** Default value, when the schema declares one. */
  default?: unknown;
  /** Must be given (no default, not optional). */
  required: boolean;
}

/**
 * Flattens a schema into its options, in declaration order. Optional sections (`api`, `ping`, a provider)
 * are listed too, since giving one switches it on; sections that always exist are only a path prefix.
 */
export function listOptions(schema: TSchema, prefix = ''): OptionDoc[] {
  const out: OptionDoc[] = [];
  walk(schema, prefix, out);
  return out;
}

function walk(schema: TSchema, path: string, out: OptionDoc[]): void {
  switch (schema[Kind]) {
    case 'Object':
      for (const [name, prop] of Object.entries(schema.properties as Record<string, TSchema>)) {
        const childPath = path === '' ? name : `${path}.${name}`;
        if (isContainer(prop)) {
          if (prop[OptionalKind] === 'Optional') out.push(doc(prop, childPath, 'section', false));
          walk(prop, childPath, out);
        } else {
          out.push(doc(prop, childPath, typeName(prop), prop[OptionalKind] !== 'Optional' && prop.default === undefined));
        }
      }
      return;
    case 'Record': {
      const item = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
      if (isContainer(item)) walk(item, `${path}.<name>`, out);
      else out.push(doc(schema, `${path}.<name>`, typeName(item), false));
      return;
    }
    case 'Array':
      walk(schema.items as TSchema, `${path}[n]`, out);
      return;
    default:
      return;
  }
}

/** Maps and lists of maps are walked into; everything else is a single option. */
function isContainer(schema: TSchema): boolean {
  const kind = schema[Kind];
  if (kind === 'Object' || kind === 'Record') return true;
  return kind === 'Array' && (schema.items as TSchema)[Kind] === 'Object';
}

function doc(schema: TSchema, path: string, type: string, required: boolean): OptionDoc {
  const d: OptionDoc = { path, type, description: typeof schema.description === 'string' ? schema.description : '', required };
  if (schema.default !== undefined) d.default = schema.default;
  return d;
}

/** Short type name for help and docs. */
export function typeName(schema: TSchema): string {
  if (schema['x-type'] === 'duration') return 'duration';
  switch (schema[Kind]) {
    case 'String':
      return 'string';
    case 'Integer':
      return 'integer';
    case 'Number':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'Literal':
      return String(schema.const);
    case 'Union': {
      const options = schema.anyOf as TSchema[];
      return options.every((o) => o[Kind] === 'Literal') ? options.map((o) => String(o.const)).join('|') : options.map(typeName).join(' or ');
    }
    case 'Array':
      return `list of ${typeName(schema.items as TSchema)}`;
    case 'Record':
      return 'map';
    case 'Object':
      return 'section';
    default:
      return 'any';
  }
}

/** A default as users write it: lists comma-separated, empty maps and lists omitted. */
export function formatDefault(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join(',');
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0 ? undefined : JSON.stringify(value);
  if (value === '') return '""';
  return String(value);
}
