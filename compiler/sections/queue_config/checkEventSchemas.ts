import { Ajv } from 'ajv';
import path from 'node:path';
import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { breakingSchemaChanges } from './breakingSchemaChanges.ts';
import { readEventSchemaFolder } from './eventSchemaFiles.ts';

/**
 * The event schema registry as `dbarch validate` sees it: every file a JSON Schema ajv compiles, and every version
 * compatible with the one before it for consumers (breakingSchemaChanges). Reported at `outbox.schemas`, naming
 * the file.
 */
export function checkEventSchemas(dir: string, ctx: SectionCheckContext): void {
  const at = ['outbox', 'schemas'];
  const { schemas, problems } = readEventSchemaFolder(dir);
  // One issue per code and place: every file's problem in one message.
  const invalid = problems.map((problem) => `${path.basename(problem.file)} ${problem.message}`);
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const entry of schemas) {
    try {
      ajv.compile(entry.schema);
    } catch (error) {
      invalid.push(`${path.basename(entry.file)} is not a valid JSON Schema: ${(error as Error).message}`);
    }
  }
  if (invalid.length > 0) ctx.error(at, 'DBA_OUTBOX_SCHEMA_INVALID', invalid.join('; '), 'name files <event type>.v<version>.json, each holding a JSON Schema object');
  for (let i = 1; i < schemas.length; i++) {
    const previous = schemas[i - 1];
    const next = schemas[i];
    if (previous === undefined || next === undefined || previous.eventType !== next.eventType) continue;
    const changes = breakingSchemaChanges(previous.schema, next.schema);
    if (changes.length === 0) continue;
    ctx.error(
      at,
      'DBA_OUTBOX_SCHEMA_BREAKING',
      `${next.eventType} v${next.version} breaks consumers of v${previous.version}: ${changes.join('; ')}`,
      `keep v${previous.version}'s required fields and types in v${next.version} (add fields instead), or publish a new event type`,
    );
  }
}
