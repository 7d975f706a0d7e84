import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox';

/**
 * A string enum as plain JSON Schema `enum` (TypeBox unions of literals become `anyOf`, which gives editors and
 * error messages a worse time). Typed as the union of the values.
 */
export function stringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}
