import { Type, type SchemaOptions, type TInteger } from '@sinclair/typebox';

/** A TCP port: 1 to 65535. */
export function portField(options: SchemaOptions = {}): TInteger {
  return Type.Integer({ ...options, minimum: 1, maximum: 65535 });
}
