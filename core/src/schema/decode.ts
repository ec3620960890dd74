import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';
import { editDistance } from './edit-distance.js';

/** One configuration problem, located by its key path inside the element being decoded. */
export interface DecodeIssue {
  /** Dotted key path, e.g. `users[0]` or `sourceCriterion.ipStrategy.depth`. */
  path: string;
  message: string;
}

export interface DecodeResult<T> {
  value: T;
  issues: DecodeIssue[];
}

/**
 * Strictly decodes a raw configuration value (from YAML, TOML, flags or environment variables) against a
 * TypeBox schema: unknown keys are errors, keys match case-insensitively (Traefik's loader does, and
 * environment variables can only be upper case), strings coerce to the numbers/booleans/lists the schema asks
 * for (flags and env give only strings), defaults are filled in. Every problem is collected with its path,
 * never only the first one.
 */
export function decode<T>(schema: TSchema, raw: unknown, basePath = ''): DecodeResult<T> {
  const issues: DecodeIssue[] = [];
  const value = walk(schema, raw, basePath, issues);
  return { value: value as T, issues };
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'bigint') return `number ${v}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function walk(schema: TSchema, raw: unknown, path: string, issues: DecodeIssue[]): unknown {
  if (raw === undefined && schema.default !== undefined) raw = structuredClone(schema.default);
  switch (schema[Kind]) {
    case 'Object':
      return walkObject(schema, raw, path, issues);
    case 'Record':
      return walkRecord(schema, raw, path, issues);
    case 'Array':
      return walkArray(schema, raw, path, issues);
    case 'String':
      return walkString(schema, raw, path, issues);
    case 'Number':
    case 'Integer':
      return walkNumber(schema, raw, path, issues);
    case 'Boolean':
      return walkBoolean(raw, path, issues);
    case 'Literal':
      return walkLiteral(schema, raw, path, issues);
    case 'Union':
      return walkUnion(schema, raw, path, issues);
    case 'Unknown':
    case 'Any':
      return raw;
    default:
      throw new Error(`schema kind ${String(schema[Kind])} is not supported by the config decoder (at ${path})`);
  }
}

function isMap(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function walkObject(schema: TSchema, raw: unknown, path: string, issues: DecodeIssue[]): unknown {
  // Traefik accepts `key: {}` and a bare `key:` (null) for "enable with defaults", e.g. `ping:` or `api: {}`.
  if (raw === null || raw === true || raw === 'true' || raw === '') raw = {};
  if (!isMap(raw)) {
    issues.push({ path, message: `expected a map, got ${describe(raw)}` });
    return undefined;
  }
  const props = schema.properties as Record<string, TSchema>;
  const byLower = new Map<string, string>();
  for (const name of Object.keys(props)) byLower.set(name.toLowerCase(), name);
  const out: Record<string, unknown> = {};
  const given = new Set<string>();
  for (const [key, v] of Object.entries(raw)) {
    const name = key in props ? key : byLower.get(key.toLowerCase());
    if (name === undefined) {
      issues.push({ path: join(path, key), message: `unknown key "${key}"${suggest(key, Object.keys(props))}` });
      continue;
    }
    if (given.has(name)) issues.push({ path: join(path, key), message: `key "${name}" is given twice` });
    given.add(name);
    out[name] = walk(props[name], v, join(path, name), issues);
  }
  for (const [name, prop] of Object.entries(props)) {
    if (out[name] !== undefined || given.has(name)) continue;
    if (prop.default !== undefined) out[name] = walk(prop, undefined, join(path, name), issues);
    else if (prop[OptionalKind] !== 'Optional') issues.push({ path: join(path, name), message: 'is required' });
  }
  return out;
}

function walkRecord(schema: TSchema, raw: unknown, path: string, issues: DecodeIssue[]): unknown {
  if (raw === null || raw === undefined) return {};
  if (!isMap(raw)) {
    issues.push({ path, message: `expected a map, got ${describe(raw)}` });
    return {};
  }
  const valueSchema = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) out[key] = walk(valueSchema, v, join(path, key), issues);
  return out;
}

function walkArray(schema: TSchema, raw: unknown, path: string, issues: DecodeIssue[]): unknown {
  if (raw === null || raw === undefined) return [];
  // Flags and environment variables give lists as comma-separated strings (Traefik's convention).
  if (typeof raw === 'string') raw = raw === '' ? [] : raw.split(',').map((s) => s.trim());
  // Indexed maps ({"0": a, "1": b}) are how flags spell list elements that are maps.
  if (isMap(raw) && Object.keys(raw).every((k) => /^\d+$/.test(k))) {
    raw = Object.keys(raw).sort((a, b) => Number(a) - Number(b)).map((k) => (raw as Record<string, unknown>)[k]);
  }
  if (!Array.isArray(raw)) {
    issues.push({ path, message: `expected a list, got ${describe(raw)}` });
    return [];
  }
  const items = schema.items as TSchema;
  return raw.map((v, i) => walk(items, v, `${path}[${i}]`, issues));
}

function walkString(schema: TSchema, raw: unknown, path: string, issues: DecodeIssue[]): unknown {
  if (typeof raw === 'number' || typeof raw === 'boolean') raw = String(raw);
  if (typeof raw !== 'string') {
    issues.push({ path, message: `expected a string, got ${describe(raw)}` });
    return undefined;
  }
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(raw)) {
    issues.push({ path, message: `${JSON.stringify(raw)} is not valid: ${schema.description ?? `must match ${schema.pattern}`}` });
  }
  const check = schema['x-check'] as ((v: string) => string | undefined) | undefined;
  if (check) {
    const problem = check(raw);
    if (problem !== undefined) issues.push({ path, message: problem });
  }
  return raw;
}

function walkNumber(schema: TSchema, raw: unknown, path: string, issues: DecodeIssue[]): unknown {
  let n = raw;
  if (typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw))) n = Number(raw);
  if (typeof n !== 'number' || Number.isNaN(n)) {
    issues.push({ path, message: `expected a number, got ${describe(raw)}` });
    return undefined;
  }
  if (schema[Kind] === 'Integer' && !Number.isInteger(n)) issues.push({ path, message: `expected a whole number, got ${n}` });
  if (typeof schema.minimum === 'number' && n < schema.minimum) issues.push({ path, message: `must be >= ${schema.minimum}, got ${n}` });
  if (typeof schema.maximum === 'number' && n > schema.maximum) issues.push({ path, message: `must be <= ${schema.maximum}, got ${n}` });
  return n;
}

function walkBoolean(raw: unknown, path: string, issues: DecodeIssue[]): unknown {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === '' || raw === null) return true; // `--ping` alone, or `ping:` in YAML
  if (raw === 'false') return false;
  issues.push({ path, message: `expected true or false, got ${describe(raw)}` });
  return undefined;
}

function walkLiteral(schema: TSchema, raw: unknown, path: string, issues: DecodeIssue[]): unknown {
  const want = schema.const;
  if (raw === want || (typeof raw === 'string' && typeof want !== 'string' && raw === String(want))) return want;
  if (typeof raw === 'string' && typeof want === 'string' && raw.toLowerCase() === want.toLowerCase()) return want;
  issues.push({ path, message: `expected ${JSON.stringify(want)}, got ${describe(raw)}` });
  return undefined;
}

function walkUnion(schema: TSchema, raw: unknown, path: string, issues: DecodeIssue[]): unknown {
  const options = schema.anyOf as TSchema[];
  // Enumerations (unions of literals) get one clear message listing the allowed values.
  if (options.every((o) => o[Kind] === 'Literal')) {
    for (const o of options) {
      const attempt: DecodeIssue[] = [];
      const v = walkLiteral(o, raw, path, attempt);
      if (attempt.length === 0) return v;
    }
    issues.push({ path, message: `must be one of ${options.map((o) => JSON.stringify(o.const)).join(', ')}, got ${describe(raw)}` });
    return undefined;
  }
  let best: { value: unknown; issues: DecodeIssue[] } | undefined;
  for (const o of options) {
    const attempt: DecodeIssue[] = [];
    const v = walk(o, raw, path, attempt);
    if (attempt.length === 0) return v;
    if (best === undefined || attempt.length < best.issues.length) best = { value: v, issues: attempt };
  }
  issues.push(...(best?.issues ?? [{ path, message: 'matches none of the allowed forms' }]));
  return best?.value;
}

/** " (did you mean "x"?)" for a near miss among the known keys, else "". */
export function suggest(key: string, known: string[]): string {
  const k = key.toLowerCase();
  let bestName = '';
  let bestDist = Infinity;
  for (const name of known) {
    const d = editDistance(k, name.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      bestName = name;
    }
  }
  return bestDist <= Math.max(2, Math.floor(k.length / 4)) ? ` (did you mean "${bestName}"?)` : '';
}
