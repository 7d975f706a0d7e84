import { dumpSchemas } from '../../activities/backup/dumpSchemas.ts';
import { restoreSchemas } from '../../activities/backup/restoreSchemas.ts';
import { resolveConnectionUrl } from '../../activities/postgres/resolveConnectionUrl.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { definePlugin } from '../definePlugin.ts';
import { compensatedStep, stepKey } from '../migrations/pipelineRunKey.ts';
import type { StepContext } from '../StepContext.ts';
import { baseBackupSettings } from './baseBackupSettings.ts';
import { baseBackupSteps } from './baseBackupSteps.ts';
import { pipelineBackupId } from './pipelineBackupId.ts';
import { userSchemas } from './userSchemas.ts';
import { resolveStepReference } from '../../activities/resolveStepReference.ts';

export interface DumpStepInput {
  readonly connection?: string;
  readonly database?: string;
  /** Default: every user schema of the database. */
  readonly schemas?: readonly string[];
  /** `file:///dir`, `s3://bucket/prefix/` (or an env reference to one). */
  readonly destination: string;
  /** Default: derived from the step's idempotency key. */
  readonly backup_id?: string;
  /** Master key reference an object-store dump is encrypted under (`{{ backup.encryption_key }}`); null: none. */
  readonly key_reference?: string | null;
}

export interface RestoreStepInput {
  readonly connection?: string;
  readonly database?: string;
  readonly destination: string;
  readonly backup_id?: string;
  /** Restore the dump taken by this step of the same run (default: the step this one compensates). */
  readonly backup_step?: string;
  readonly allow_dependents?: boolean;
  readonly key_reference?: string | null;
}

const common = {
  connection: { type: 'string', minLength: 1 },
  database: { type: 'string', minLength: 1 },
  destination: { type: 'string', minLength: 1, pattern: '^(file://|s3://|\\$\\{)', description: 'a file:// or s3:// destination, or a ${ENV} reference to one' },
  backup_id: { type: 'string', minLength: 1 },
  key_reference: { type: ['string', 'null'], minLength: 1, description: 'a ${ENV} or file:// reference to the 32-byte master key; s3:// dumps are encrypted under it' },
};

/** The key reference a schema dump step passes to the engine (a file:// dump ignores it). */
export function keyOf(input: { readonly key_reference?: string | null }): { keyReference?: string } {
  return typeof input.key_reference === 'string' ? { keyReference: input.key_reference } : {};
}

/** The backup of the step `backup_step` (or of the compensated step) in this run, unless an id is given. */
export function restoreBackupId(input: Pick<RestoreStepInput, 'backup_id' | 'backup_step'>, ctx: Pick<StepContext, 'idempotencyKey' | 'stepId'>): string {
  return input.backup_id ?? pipelineBackupId(stepKey(ctx, input.backup_step ?? compensatedStep(ctx)));
}

/** Where backups go when the spec names no `backup_config.base_backups.destination`. */
export const defaultBackupDestination = 'file:///tmp/dbarch/backups/';

/**
 * The backup capability: reads `backup_config`, offers its destination to procedures (`{{ backup.destination }}`,
 * and `{{ env.backup_destination }}` as the migration pipeline reads it), and provides thin steps over
 * activities/backup: `backup/dump_schemas` (pg_dump of the named, or all user, schemas) and
 * `backup/restore_schemas` (puts them back in one transaction). Backup ids come from the idempotency key, so a
 * retry reuses its dump and a restore used as a compensation finds the dump of the step it compensates.
 * Base backups: `backup/base_backup` and `backup/verify_base_backup` (baseBackupSteps.ts), run by the shipped
 * `dbarch/base_backup` (procedures/base_backup.yaml) from `dbarch backup` and the backup Schedule; `backup/copy_wal`,
 * run by `dbarch/wal_copy` (procedures/wal_copy.yaml) from the WAL copy Schedule.
 */
export const backupPlugin = definePlugin({
  name: 'backup',
  version: '1.0.0',
  host: '^0.1.0',
  description: 'Schema-level logical backups (pg_dump) and restores for backup-before-migrate and rollback.',
  reads: ['backup_config', 'clusters', 'security_config'],
  planning: {
    settings: (sections) => ({
      destination: {
        value: sections.backup_config?.base_backups?.destination ?? defaultBackupDestination,
        source: { path: ['backup_config', 'base_backups', 'destination'], hint: 'a `file:///dir` or `s3://bucket/prefix/` destination, or a `${ENV}` reference to one' },
      },
      ...baseBackupSettings(sections),
    }),
    env: { destination: 'backup_destination' },
  },
  procedures: [new URL('../../procedures/base_backup.yaml', import.meta.url), new URL('../../procedures/wal_copy.yaml', import.meta.url)],
  defaults: { timeout: '1h', heartbeatTimeout: '30s', retry: { attempts: 5, initialInterval: '1s' } },
  steps: (deps) => {
    const { pgBinDir } = dbarchConfig();
    const dump = dumpSchemas(deps, { pgBinDir });
    const restore = restoreSchemas(deps, { pgBinDir });
    return {
      ...baseBackupSteps(),
      dump_schemas: {
        input: { type: 'object', additionalProperties: false, required: ['destination'], properties: { ...common, schemas: { type: 'array', items: { type: 'string', minLength: 1 } } } },
        describe: (input: DumpStepInput) => `pg_dump ${input.schemas?.join(', ') ?? 'every user schema'} of ${input.database ?? 'the default database'} to ${input.destination}`,
        run: async (input: DumpStepInput, ctx: StepContext) => {
          const databaseUrl = resolveConnectionUrl(input, deps.urls.postgres);
          const schemas = input.schemas ?? (await userSchemas(databaseUrl));
          const result = await dump({ databaseUrl, schemas, destination: resolveStepReference(input.destination, 'destination'), backupId: input.backup_id ?? pipelineBackupId(ctx.idempotencyKey), ...keyOf(input) });
          return { backupId: result.backupId, manifestUrl: result.manifestUrl, schemas: result.manifest.schemas, sizeBytes: result.manifest.sizeBytes, lsn: result.manifest.lsn, reused: result.reused };
        },
      },
      restore_schemas: {
        input: { type: 'object', additionalProperties: false, required: ['destination'], properties: { ...common, backup_step: { type: 'string' }, allow_dependents: { type: 'boolean' } } },
        describe: (input: RestoreStepInput) => `restore ${input.backup_id ?? `the backup of step ${input.backup_step ?? '(compensated)'}`} into ${input.database ?? 'the default database'}`,
        run: async (input: RestoreStepInput, ctx: StepContext) => {
          const databaseUrl = resolveConnectionUrl(input, deps.urls.postgres);
          return restore({ databaseUrl, destination: resolveStepReference(input.destination, 'destination'), backupId: restoreBackupId(input, ctx), ...(input.allow_dependents ? { allowDependents: true } : {}), ...keyOf(input) });
        },
      },
    };
  },
});
