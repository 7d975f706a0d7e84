import { Type, type SchemaOptions, type TString } from '@sinclair/typebox';
import { namePatterns } from './namePatterns.ts';

/** A string restricted to one of the name patterns. */
export function namedString(kind: keyof typeof namePatterns, options: SchemaOptions = {}): TString {
  return Type.String({ ...options, pattern: namePatterns[kind].pattern });
}
