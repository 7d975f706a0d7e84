import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import type { ProcedureDefinition, ProceduresSection } from '../compiler/sections/procedures/ProceduresSection.ts';
import { proceduresSchema } from '../compiler/sections/procedures/schema.ts';
import { DbarchError } from '../errors/DbarchError.ts';

/** Where the shipped procedure library lives: one YAML file per procedure, `procedures:` as in a spec. */
export const shippedProceduresDir = fileURLToPath(new URL('../procedures/', import.meta.url));

/** The namespace shipped procedures are planned under: `dbarch/<name>`. */
export const shippedPrefix = 'dbarch/';

let cached: ProceduresSection | undefined;

/**
 * The procedures that ship with dbarch (procedures/*.yaml), named `dbarch/<name>`, with the roles they declare as
 * defaults. Each file is a spec fragment (`procedures: { roles, definitions }`) so a user can copy it into a spec
 * and edit it; a spec's own definition of the same name wins (see planSpec). Checked against the same schema as a
 * spec's `procedures:` section; a broken file is DBA_PLAN_SHIPPED_PROCEDURE.
 */
export function shippedProcedures(dir: string = shippedProceduresDir): ProceduresSection {
  if (dir === shippedProceduresDir && cached) return cached;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(proceduresSchema);
  const definitions: Record<string, ProcedureDefinition> = {};
  const roles: Record<string, readonly string[]> = {};
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.yaml') || name.endsWith('.yml')).sort();
  } catch {
    files = [];
  }
  for (const file of files) {
    const document = parse(readFileSync(`${dir}/${file}`, 'utf8')) as unknown;
    const section = document !== null && typeof document === 'object' ? (document as { procedures?: unknown }).procedures : undefined;
    if (!validate(section)) {
      const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
      throw new DbarchError('DBA_PLAN_SHIPPED_PROCEDURE', `procedures/${file}: ${problems.join('; ') || 'needs a top-level `procedures:` mapping'}`, { details: { file, problems } });
    }
    const valid = section as ProceduresSection;
    for (const [name, definition] of Object.entries(valid.definitions ?? {})) definitions[`${shippedPrefix}${name}`] = definition;
    Object.assign(roles, valid.roles ?? {});
  }
  const library: ProceduresSection = { roles, definitions };
  if (dir === shippedProceduresDir) cached = library;
  return library;
}
