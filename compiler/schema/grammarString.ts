import { Type, type SchemaOptions, type TString } from '@sinclair/typebox';
import type { GrammarFormat } from '../grammar/grammarFormats.ts';

/** A string field checked by one of the value grammars (see grammarFormats). */
export function grammarString(format: GrammarFormat, options: SchemaOptions = {}): TString {
  return Type.String({ ...options, format });
}
