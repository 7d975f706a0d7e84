import type { Static, TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../errors/registry.ts';

/** A place inside the section: a JSON pointer suffix (`/connection_pool/min`) or its segments. */
export type SectionPath = string | readonly (string | number)[];

/** What a section's semantic check can do: report issues at paths inside its section, and read other sections. */
export interface SectionCheckContext {
  error(path: SectionPath, code: ErrorCode, message: string, hint?: string): void;
  warn(path: SectionPath, code: ErrorCode, message: string, hint?: string): void;
  /** Another section's value, when the spec has it and it passed structural validation; undefined otherwise. */
  section<S extends TSchema>(definition: SectionDefinition<S>): Static<S> | undefined;
  /** Directory of the file that defines this section; relative paths in it are relative to this. */
  readonly baseDir: string;
}

/** What a section's resolve step gets: the same base directory, for turning relative paths absolute. */
export interface SectionResolveContext {
  readonly baseDir: string;
}

/**
 * One top-level section of the spec language: its key, JSON Schema (TypeBox, so `Static<schema>` is its type and
 * cannot drift from it; wrap a plain JSON Schema in `Type.Unsafe`), semantic checks, and resolve step. Built-in
 * sections and plugin sections use this same contract.
 */
export interface SectionDefinition<S extends TSchema = TSchema> {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly schema: S;
  /** Semantic checks; runs only when the section is structurally valid, so `value` has the schema's type. */
  check?(value: Static<S>, ctx: SectionCheckContext): void;
  /**
   * Normalises the validated value (defaults are already applied): prose steps into step lists, relative paths
   * into absolute ones. Must return plain JSON data.
   */
  resolve?(value: Static<S>, ctx: SectionResolveContext): Static<S>;
}

/** Identity with inference, so a section's check and resolve see the schema's static type. */
export function defineSection<const K extends string, S extends TSchema>(definition: SectionDefinition<S> & { readonly key: K }): SectionDefinition<S> & { readonly key: K } {
  return definition;
}
