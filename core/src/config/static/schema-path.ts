import { Kind, type TSchema } from '@sinclair/typebox';

/**
 * The schema found at a key path (case-insensitive keys; any key of a record; list indexes), or undefined when
 * the path leads nowhere. Flags use it to know whether `--x` takes a value, as Traefik's flag parser does.
 */
export function schemaAt(schema: TSchema, segments: readonly string[]): TSchema | undefined {
  let current: TSchema | undefined = schema;
  for (const segment of segments) {
    if (current === undefined) return undefined;
    current = child(current, segment);
  }
  return current;
}

function child(schema: TSchema, segment: string): TSchema | undefined {
  switch (schema[Kind]) {
    case 'Object': {
      const props = schema.properties as Record<string, TSchema>;
      const lower = segment.toLowerCase();
      const name = Object.keys(props).find((k) => k.toLowerCase() === lower);
      return name === undefined ? undefined : props[name];
    }
    case 'Record':
      return Object.values(schema.patternProperties as Record<string, TSchema>)[0];
    case 'Array':
      return /^\d+$/.test(segment) ? (schema.items as TSchema) : undefined;
    default:
      return undefined;
  }
}

/** True for the kinds a bare flag (`--ping`, `--api.insecure`) switches on without taking a value. */
export function isSwitch(schema: TSchema | undefined): boolean {
  return schema !== undefined && (schema[Kind] === 'Boolean' || schema[Kind] === 'Object');
}

/** True when the schema is a list: repeated flags add to it (`--x=a --x=b` is `a,b`). */
export function isList(schema: TSchema | undefined): boolean {
  return schema !== undefined && schema[Kind] === 'Array';
}
