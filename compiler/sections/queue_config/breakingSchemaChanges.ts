type Schema = Readonly<Record<string, unknown>>;

const asSchema = (value: unknown): Schema | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : undefined);
const required = (schema: Schema): string[] => (Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
const typesOf = (schema: Schema): string => (Array.isArray(schema.type) ? [...(schema.type as string[])].sort().join('|') : typeof schema.type === 'string' ? schema.type : '');

/**
 * What a new version of an event's schema takes away from consumers written against the previous one: a required
 * field that is no longer required (or gone), and a field whose type changed, at any depth of `properties`.
 * Adding fields, optional or required, does not break consumers.
 */
export function breakingSchemaChanges(previous: Schema, next: Schema, at: readonly string[] = []): string[] {
  const changes: string[] = [];
  const here = at.length === 0 ? 'the payload' : `field ${at.join('.')}`;
  const before = typesOf(previous);
  const after = typesOf(next);
  if (before !== '' && before !== after) changes.push(`${here} changed type from ${before} to ${after || 'any'}`);
  const nextRequired = new Set(required(next));
  for (const field of required(previous)) if (!nextRequired.has(field)) changes.push(`required field ${[...at, field].join('.')} is no longer required`);
  const oldProperties = asSchema(previous.properties) ?? {};
  const newProperties = asSchema(next.properties) ?? {};
  for (const [field, oldSchema] of Object.entries(oldProperties)) {
    const o = asSchema(oldSchema);
    const n = asSchema(newProperties[field]);
    if (o !== undefined && n !== undefined) changes.push(...breakingSchemaChanges(o, n, [...at, field]));
  }
  return changes;
}
