import { isAbsolute, resolve } from 'node:path';
import { Kind, type TSchema } from '@sinclair/typebox';

/**
 * Resolves relative file paths of a decoded configuration against `baseDir` (the static configuration file's
 * folder, or the working directory without a file), so a configuration means the same wherever Portico is
 * started from. Strings marked in the schema with `'x-path': 'file'` are paths; `'file-or-content'` strings
 * (Traefik's FileOrContent, e.g. rootCAs) are paths unless they hold PEM content. Provider plugins can mark their
 * own options the same way. Modifies `value` in place.
 */
export function resolvePaths(schema: TSchema, value: unknown, baseDir: string): unknown {
  switch (schema[Kind]) {
    case 'Object': {
      if (!isRecord(value)) return value;
      for (const [name, prop] of Object.entries(schema.properties as Record<string, TSchema>)) {
        if (value[name] !== undefined) value[name] = resolvePaths(prop, value[name], baseDir);
      }
      return value;
    }
    case 'Record': {
      if (!isRecord(value)) return value;
      const item = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
      for (const key of Object.keys(value)) value[key] = resolvePaths(item, value[key], baseDir);
      return value;
    }
    case 'Array':
      return Array.isArray(value) ? value.map((v) => resolvePaths(schema.items as TSchema, v, baseDir)) : value;
    case 'String':
      return typeof value === 'string' ? resolveOne(schema['x-path'], value, baseDir) : value;
    default:
      return value;
  }
}

function resolveOne(kind: unknown, value: string, baseDir: string): string {
  if (value === '' || isAbsolute(value)) return value;
  if (kind === 'file') return resolve(baseDir, value);
  if (kind === 'file-or-content' && !value.includes('-----BEGIN')) return resolve(baseDir, value);
  return value;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
