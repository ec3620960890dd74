import { Type, type TSchema, type SchemaOptions } from '@sinclair/typebox';
import { durationProblem } from '../config/duration.js';

/**
 * Schema builders for configuration: TypeBox underneath, so one declaration gives the TypeScript type
 * (`Static<typeof schema>`), the strict decoder (decode.ts) and the reference docs (descriptions/defaults).
 */
export const s = {
  object: Type.Object,
  record: <T extends TSchema>(value: T, options?: SchemaOptions) => Type.Record(Type.String(), value, options),
  array: Type.Array,
  string: Type.String,
  number: Type.Number,
  integer: Type.Integer,
  boolean: Type.Boolean,
  literal: Type.Literal,
  union: Type.Union,
  optional: Type.Optional,
  unknown: Type.Unknown,
  /** One of a fixed set of strings (matched case-insensitively). */
  enumOf: <const T extends string[]>(values: [...T], options?: SchemaOptions) =>
    Type.Union(values.map((v) => Type.Literal(v)) as never, options) as unknown as ReturnType<typeof Type.Union<{ [K in keyof T]: ReturnType<typeof Type.Literal<T[K]>> }>>,
  /** A Go/Traefik duration: "10s", "250ms", "1h30m", or a number of seconds. Parse with parseDuration(). */
  duration: (options?: SchemaOptions) =>
    Type.Union([Type.String({ 'x-check': durationProblem }), Type.Number()], { 'x-type': 'duration', ...options }),
};
