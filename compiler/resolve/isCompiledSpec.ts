import type { CompiledSpec } from '../CompiledSpec.ts';
import { builtinSections } from '../sections/builtinSections.ts';
import { specAjv } from '../validate/specAjv.ts';

/**
 * Proves the resolved spec has the CompiledSpec type by validating every built-in section again (resolve steps
 * must keep their section within its schema); the one place plain data becomes a typed spec.
 */
export function isCompiledSpec(value: Readonly<Record<string, unknown>>): value is CompiledSpec {
  if (typeof value.apiVersion !== 'string') return false;
  const { validating } = specAjv();
  return builtinSections.every((section) => !Object.hasOwn(value, section.key) || validating.compile(section.schema)(value[section.key]));
}
