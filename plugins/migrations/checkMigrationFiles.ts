import { migrationFileDigests } from './deploymentSettings.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { MigrationTargetInput } from './MigrationTargetInput.ts';

/** Refuses to work on files other than the ones the plan (and its approval) was made for. */
export function checkMigrationFiles(input: MigrationTargetInput): void {
  if (input.files === undefined) return;
  const actual = migrationFileDigests(input.directory);
  const changed = [...new Set([...Object.keys(actual), ...Object.keys(input.files)])].filter((name) => actual[name] !== input.files?.[name]).sort();
  if (changed.length === 0) return;
  throw new DbarchError('DBA_PIPELINE_FILES_CHANGED', `migration files changed since the plan was made: ${changed.join(', ')}`, { details: { directory: input.directory, changed } });
}
