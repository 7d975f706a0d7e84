import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox';

/**
 * A duration: a whole number of seconds (`3600`, as the seed writes TTLs) or a string in the duration grammar
 * (`10s`, `1h30m`, `7d`). One schema type list rather than anyOf, so an error names one problem.
 */
export function durationField(options: SchemaOptions = {}): TUnsafe<string | number> {
  return Type.Unsafe<string | number>({ ...options, type: ['integer', 'string'], minimum: 0, format: 'dbarch-duration' });
}
