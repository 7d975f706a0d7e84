import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One version of one event's JSON Schema: the file `<event type>.v<version>.json` of the schemas folder. */
export interface EventSchemaFile {
  readonly eventType: string;
  readonly version: number;
  readonly file: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface EventSchemaFolder {
  /** Every version of every event, by event type then version. */
  readonly schemas: readonly EventSchemaFile[];
  /** Files that are not a schema: unreadable, not JSON, not an object, or misnamed. */
  readonly problems: readonly { readonly file: string; readonly message: string }[];
}

const fileName = /^([a-z0-9_-]+(?:\.[a-z0-9_-]+)*)\.v([1-9][0-9]*)\.json$/;

/**
 * Reads the event schema registry: a folder of `order.placed.v1.json`, `order.placed.v2.json` … (JSON Schema, one
 * file per version). Used by `dbarch validate` (compatibility between versions) and by the outbox at append.
 */
export function readEventSchemaFolder(dir: string): EventSchemaFolder {
  const schemas: EventSchemaFile[] = [];
  const problems: { file: string; message: string }[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    return { schemas, problems: [{ file: dir, message: `cannot read the schemas folder: ${(error as Error).message}` }] };
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const match = fileName.exec(name);
    if (match === null) {
      problems.push({ file, message: 'is not named <event type>.v<version>.json (e.g. order.placed.v1.json)' });
      continue;
    }
    try {
      const schema: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new Error('the file is not a JSON object');
      schemas.push({ eventType: match[1] ?? '', version: Number(match[2]), file, schema: schema as Record<string, unknown> });
    } catch (error) {
      problems.push({ file, message: `is not a JSON Schema: ${(error as Error).message}` });
    }
  }
  schemas.sort((a, b) => a.eventType.localeCompare(b.eventType) || a.version - b.version);
  return { schemas, problems };
}
