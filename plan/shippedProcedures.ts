import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import type { ProcedureDefinition, ProceduresSection } from '../compiler/sections/procedures/ProceduresSection.ts';
import { proceduresSchema } from '../compiler/sections/procedures/schema.ts';
import { DbarchError } from '../errors/DbarchError.ts';

/** Where the shipped procedure library lives: one YAML file per procedure, `procedures:` as in a spec. */
export const shippedProceduresDir = fileURLToPath(new URL('../procedures/', import.meta.url));

/** The namespace shipped procedures are planned under: `dbarch/<name>`. */
export const shippedPrefix = 'dbarch/';

/**
 * Procedure files (each a spec fragment `procedures: { roles, definitions }`, so a user can copy one into a spec
 * and edit it) as one library, every definition named `<prefix><name>`, with the roles they declare as defaults.
 * Checked against the same schema as a spec's `procedures:` section; a broken file is DBA_PLAN_SHIPPED_PROCEDURE.
 */
export function loadProcedureFiles(files: readonly URL[], prefix: string): ProceduresSection {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(proceduresSchema);
  const definitions: Record<string, ProcedureDefinition> = {};
  const roles: Record<string, readonly string[]> = {};
  for (const file of files) {
    const name = basename(fileURLToPath(file));
    let document: unknown;
    try {
      document = parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      throw new DbarchError('DBA_PLAN_SHIPPED_PROCEDURE', `procedures/${name}: ${(error as Error).message}`, { details: { file: name } });
    }
    const section = document !== null && typeof document === 'object' ? (document as { procedures?: unknown }).procedures : undefined;
    if (!validate(section)) {
      const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
      throw new DbarchError('DBA_PLAN_SHIPPED_PROCEDURE', `procedures/${name}: ${problems.join('; ') || 'needs a top-level `procedures:` mapping'}`, { details: { file: name, problems } });
    }
    const valid = section as ProceduresSection;
    for (const [procedure, definition] of Object.entries(valid.definitions ?? {})) definitions[`${prefix}${procedure}`] = definition;
    Object.assign(roles, valid.roles ?? {});
  }
  return { roles, definitions };
}

/** Every procedure file of a directory (tests ship their own library this way). */
export function shippedProcedures(dir: string = shippedProceduresDir): ProceduresSection {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.yaml') || name.endsWith('.yml')).sort();
  } catch {
    names = [];
  }
  return loadProcedureFiles(names.map((name) => pathToFileURL(`${dir}/${name}`)), shippedPrefix);
}
