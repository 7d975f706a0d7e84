import type { Static } from '@sinclair/typebox';
import type { DeepReadonly } from './DeepReadonly.ts';
import type { BuiltinSection } from './sections/builtinSections.ts';

type BuiltinSectionValues = { readonly [D in BuiltinSection as D['key']]?: DeepReadonly<Static<D['schema']>> };

/**
 * The compiled spec: plain JSON, deep-frozen, defaults applied, env references left as written. Built-in sections
 * are typed from their schemas; plugin sections are `unknown` until the plugin narrows them with its own schema.
 * Step lists are always in structured form (prose was turned into manual steps), and `failover_procedure` is
 * always the mapping form `{ steps, … }`.
 */
export type CompiledSpec = BuiltinSectionValues & {
  readonly apiVersion: string;
  readonly [section: string]: unknown;
};
