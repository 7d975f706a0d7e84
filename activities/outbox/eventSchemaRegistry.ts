import { Ajv, type ValidateFunction } from 'ajv';
import { readEventSchemaFolder } from '../../compiler/sections/queue_config/eventSchemaFiles.ts';
import { DbarchError } from '../../errors/DbarchError.ts';

/** The event schemas an outbox checks payloads against: the latest version of each event type. */
export interface EventSchemaRegistry {
  /** The schema version the payload matches; throws DBA_OUTBOX_EVENT_INVALID when it does not, or the type has none. */
  check(eventType: string, payload: unknown): number;
}

/** Loads a schemas folder (queue_config.outbox.schemas) once; a folder `dbarch validate` refuses is refused here too. */
export function loadEventSchemaRegistry(dir: string): EventSchemaRegistry {
  const { schemas, problems } = readEventSchemaFolder(dir);
  if (problems.length > 0) throw new DbarchError('DBA_OUTBOX_SCHEMA_INVALID', problems.map((p) => `${p.file} ${p.message}`).join('; '));
  const ajv = new Ajv({ strict: false, allErrors: true });
  const latest = new Map<string, { version: number; validate: ValidateFunction }>();
  for (const entry of schemas) {
    // Sorted by version: the last one read wins.
    try {
      latest.set(entry.eventType, { version: entry.version, validate: ajv.compile(entry.schema) });
    } catch (error) {
      throw new DbarchError('DBA_OUTBOX_SCHEMA_INVALID', `${entry.file} is not a valid JSON Schema: ${(error as Error).message}`);
    }
  }
  return {
    check(eventType, payload) {
      const schema = latest.get(eventType);
      if (schema === undefined) {
        throw new DbarchError('DBA_OUTBOX_EVENT_INVALID', `event type ${eventType} has no schema in ${dir}`, { details: { eventType }, hint: `add ${eventType}.v1.json to the schemas folder` });
      }
      if (schema.validate(payload)) return schema.version;
      const errors = (schema.validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
      throw new DbarchError('DBA_OUTBOX_EVENT_INVALID', `the payload of ${eventType} does not match its schema v${schema.version}: ${errors.join('; ')}`, {
        details: { eventType, version: schema.version, errors },
      });
    },
  };
}
