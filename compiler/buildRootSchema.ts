import { DbarchError } from '../errors/DbarchError.ts';
import type { SectionDefinition } from './SectionDefinition.ts';
import { specApiVersion } from './specApiVersion.ts';

/**
 * The whole spec's JSON Schema: every section stitched in under its key, additionalProperties false. This is what
 * `dbarch schema` prints for editors (`# yaml-language-server: $schema=…`). No section is required: a spec may be
 * split over files, and each file is validated against the same schema.
 */
export function buildRootSchema(sections: readonly SectionDefinition[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    apiVersion: { type: 'string', enum: [specApiVersion], description: 'Spec language version; optional, checked when present.' },
  };
  for (const section of sections) properties[section.key] = { ...section.schema, title: section.title, description: section.description };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://dbarch.dev/schema/spec.json',
    title: 'Database Architect spec',
    description: 'A database platform described for dbarch: see docs/spec.md.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

const sectionKeyPattern = /^[a-z][a-z0-9_]*$/;

/** Checks section definitions (built in plus plugins): keys well formed and unique. */
export function assertSectionDefinitions(sections: readonly SectionDefinition[]): void {
  const seen = new Set<string>(['apiVersion']);
  for (const section of sections) {
    if (!sectionKeyPattern.test(section.key)) {
      throw new DbarchError('DBA_SPEC_SECTION_INVALID', `section key "${section.key}" is not snake_case`, { details: { key: section.key } });
    }
    if (seen.has(section.key)) {
      throw new DbarchError('DBA_SPEC_SECTION_INVALID', `section key "${section.key}" is defined twice`, { details: { key: section.key } });
    }
    seen.add(section.key);
  }
}
