import { takeBaseBackup } from '../../activities/backup/baseBackup/takeBaseBackup.ts';
import type { CompressionAlgorithm } from '../../activities/backup/compression/Compression.ts';
import type { KeyProvider } from '../../activities/backup/crypto/KeyProvider.ts';
import { keyProviderFromReference } from '../../activities/backup/crypto/keyProviderFromReference.ts';
import { verifyBaseBackup } from '../../activities/backup/verify/verifyBaseBackup.ts';
import { applyBackupLifecycle } from '../../activities/backup/lifecycle/applyBackupLifecycle.ts';
import { copyS3SettingsFromEnv, s3SettingsFromEnv } from '../../activities/backup/store/S3Settings.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { copyBaseBackup } from '../../activities/backup/copy/copyBaseBackup.ts';
import { copyWalArchive } from '../../activities/backup/copy/copyWalArchive.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import type { StepContext } from '../StepContext.ts';
import { baseBackupId } from './baseBackupId.ts';
import { resolveStepReference } from '../../activities/resolveStepReference.ts';

export interface BaseBackupStepInput {
  readonly cluster: string;
  /** The primary's connection reference (`${ENV:-default}` resolved on the worker). */
  readonly connection: string;
  readonly destination: string;
  readonly compression?: CompressionAlgorithm | null;
  readonly level?: number | null;
  readonly encryption?: 'aes-256' | 'none' | null;
  /**
   * Where the master key is: `${NAME}` or `file:///path` (required with aes-256). A reference, never the key; named
   * so the spec's inline-secret check does not take it for a secret value.
   */
  readonly key_reference?: string | null;
  /** Default: from the workflow id (see baseBackupId). */
  readonly backup_id?: string | null;
  readonly max_rate?: string | null;
  /** base_backups.retention (`30d`): the lifecycle rules put on an S3 bucket after the backup depend on it. */
  readonly retention?: string | number | null;
}

export interface CopyWalStepInput {
  /** wal_archiving.destination. */
  readonly wal_destination: string;
  /** cross_region_replication.destination: WAL goes under its wal/, beside the copied base backups. */
  readonly copy_destination: string;
}

export interface CopyStepInput {
  readonly destination: string;
  /** cross_region_replication.destination. */
  readonly copy_destination: string;
  readonly backup_id?: string | null;
}

export interface VerifyStepInput {
  readonly destination: string;
  readonly key_reference?: string | null;
  readonly backup_id?: string | null;
}

const text = { type: 'string', minLength: 1 };
const optionalText = { type: ['string', 'null'], minLength: 1 };

async function keyProviderOf(input: { encryption?: string | null; key_reference?: string | null }): Promise<KeyProvider | undefined> {
  if (input.key_reference === undefined || input.key_reference === null || input.encryption === 'none') return undefined;
  return keyProviderFromReference(input.key_reference);
}

/**
 * The bucket's lifecycle rules (unfinished uploads aborted, Glacier for long retention), put after each backup: an
 * idempotent PUT where the worker's credentials are. Where the store has none (versitygw, file://) the coded
 * warning is logged and returned, never a failure of the backup.
 */
async function lifecycleOf(input: BaseBackupStepInput, destination: string, ctx: StepContext): Promise<{ applied: boolean; warning?: string }> {
  const retention = input.retention === undefined || input.retention === null ? undefined : parseDuration(input.retention);
  const retentionDays = retention?.ok ? Math.floor(retention.value / 86_400_000) : 0;
  const outcome = await applyBackupLifecycle(destination, { retentionDays }, s3SettingsFromEnv());
  if (outcome.applied) return { applied: true };
  ctx.log.warn({ code: outcome.warning.code, rules: outcome.rules }, outcome.warning.message);
  return { applied: false, warning: `${outcome.warning.code}: ${outcome.warning.message}` };
}

/**
 * `backup/base_backup`, `backup/verify_base_backup` and `backup/copy_base_backup` (cross-region): thin steps over activities/backup. The backup id comes
 * from the workflow id, so a retry (another worker, after a SIGKILL) takes or finds the same backup; progress
 * goes into the step's heartbeat details, which the Temporal UI shows on the pending activity and
 * `dbarch backup` prints.
 */
export function baseBackupSteps() {
  return {
    base_backup: {
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['cluster', 'connection', 'destination'],
        properties: {
          cluster: text,
          connection: text,
          destination: text,
          compression: { enum: ['zstd', 'gzip', 'lz4', 'none', null] },
          level: { type: ['integer', 'null'], minimum: 1, maximum: 22 },
          encryption: { enum: ['aes-256', 'none', null] },
          key_reference: optionalText,
          backup_id: optionalText,
          max_rate: optionalText,
          retention: { type: ['string', 'number', 'null'] },
        },
        if: { properties: { encryption: { const: 'aes-256' } }, required: ['encryption'] },
        then: { required: ['key_reference'], properties: { key_reference: text } },
      },
      describe: (input: BaseBackupStepInput) =>
        `base backup of cluster ${input.cluster} to ${input.destination} (${input.compression ?? 'zstd'}${input.encryption === 'aes-256' ? ', AES-256' : ''})`,
      defaults: { timeout: '12h', heartbeatTimeout: '1m' },
      run: async (input: BaseBackupStepInput, ctx: StepContext) => {
        const keyProvider = await keyProviderOf(input);
        const { pgBinDir } = dbarchConfig();
        const destination = resolveStepReference(input.destination, 'destination');
        const manifest = await takeBaseBackup(
          {
            cluster: input.cluster,
            connectionUrl: resolveStepReference(input.connection, 'connection'),
            destination,
            backupId: input.backup_id ?? baseBackupId(ctx.workflowId),
            compression: { algorithm: input.compression ?? 'zstd', ...(input.level ? { level: input.level } : {}) },
            ...(keyProvider ? { keyProvider } : {}),
            ...(pgBinDir ? { pgBinDir } : {}),
            ...(input.max_rate ? { maxRate: input.max_rate } : {}),
          },
          { signal: ctx.signal, progress: (progress) => ctx.heartbeat(progress) },
        );
        const lifecycle = await lifecycleOf(input, destination, ctx);
        return {
          backupId: manifest.backupId,
          startLsn: manifest.startLsn,
          stopLsn: manifest.stopLsn,
          timeline: manifest.timeline,
          bytes: manifest.totals.bytes,
          storedBytes: manifest.totals.storedBytes,
          keyId: manifest.encryption?.wrappedKey.keyId ?? null,
          lifecycle,
        };
      },
    },
    copy_base_backup: {
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['destination', 'copy_destination'],
        properties: { destination: text, copy_destination: text, backup_id: optionalText },
      },
      describe: (input: CopyStepInput) => `copy ${input.backup_id ?? 'the backup of this run'} from ${input.destination} to ${input.copy_destination}`,
      defaults: { timeout: '12h', heartbeatTimeout: '1m' },
      run: async (input: CopyStepInput, ctx: StepContext) => {
        const s3 = s3SettingsFromEnv();
        const copied = await copyBaseBackup(
          openObjectStore(resolveStepReference(input.destination, 'destination'), s3),
          openObjectStore(resolveStepReference(input.copy_destination, 'copy_destination'), copyS3SettingsFromEnv()),
          input.backup_id ?? baseBackupId(ctx.workflowId),
          { signal: ctx.signal, progress: (progress) => ctx.heartbeat(progress) },
        );
        ctx.log.info(copied, `backup ${copied.backupId} copied to ${input.copy_destination}, ${copied.lagSeconds.toFixed(0)} s after it finished`);
        return copied;
      },
    },
    copy_wal: {
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['wal_destination', 'copy_destination'],
        properties: { wal_destination: text, copy_destination: text },
      },
      describe: (input: CopyWalStepInput) => `copy the WAL archive ${input.wal_destination} to ${input.copy_destination} (what the copy lacks)`,
      defaults: { timeout: '12h', heartbeatTimeout: '1m' },
      run: async (input: CopyWalStepInput, ctx: StepContext) => {
        const s3 = s3SettingsFromEnv();
        const copied = await copyWalArchive(
          openObjectStore(resolveStepReference(input.wal_destination, 'wal_destination'), s3),
          openObjectStore(resolveStepReference(input.copy_destination, 'copy_destination'), copyS3SettingsFromEnv()),
          { signal: ctx.signal, progress: (progress) => ctx.heartbeat(progress) },
        );
        ctx.log.info(copied, `${copied.copied} WAL files copied to ${input.copy_destination}; the copy trailed by ${copied.lagSeconds.toFixed(0)} s`);
        return copied;
      },
    },
    verify_base_backup: {
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['destination'],
        properties: { destination: text, key_reference: optionalText, backup_id: optionalText },
      },
      describe: (input: VerifyStepInput) => `verify ${input.backup_id ?? 'the backup of this run'} in ${input.destination} (every chunk tag and file checksum)`,
      defaults: { timeout: '12h', heartbeatTimeout: '1m' },
      run: async (input: VerifyStepInput, ctx: StepContext) => {
        const keyProvider = await keyProviderOf(input);
        return verifyBaseBackup(
          { destination: resolveStepReference(input.destination, 'destination'), backupId: input.backup_id ?? baseBackupId(ctx.workflowId), ...(keyProvider ? { keyProvider } : {}) },
          { signal: ctx.signal, progress: (progress) => ctx.heartbeat(progress) },
        );
      },
    },
  };
}
