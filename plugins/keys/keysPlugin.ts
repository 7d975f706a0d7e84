import { rotateBackupKeys } from '../../activities/keys/rotateBackupKeys.ts';
import type { RewrapProgress } from '../../activities/keys/rewrapStoredKeys.ts';
import { backupKeyReference } from '../../compiler/sections/backup_config/backupKeyReference.ts';
import { definePlugin } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import type { StepContext } from '../StepContext.ts';
import { resolveStepReference } from '../../activities/resolveStepReference.ts';

export interface RewrapStepInput {
  readonly key_reference: string;
  readonly previous_key_reference?: string | null;
  readonly destination: string;
  readonly copy_destination?: string | null;
  readonly wal_destination?: string | null;
}

const text = { type: 'string', minLength: 1 };
const optionalText = { type: ['string', 'null'], minLength: 1 };

/**
 * The keys capability: key_rotation of the backup data keys (`keys/rewrap_backup_keys`, run by the shipped
 * dbarch/key_rotation from `dbarch keys rotate` and the Schedule key-rotation:<cluster>). The rotation's cutoff is
 * the first attempt's start, carried to later attempts in the heartbeat details, so a retried or resumed run skips
 * what an earlier attempt re-wrapped.
 */
export const keysPlugin = definePlugin({
  name: 'keys',
  version: hostVersion,
  host: '*',
  description: 'Envelope keys of backups: re-wrapping stored data keys under the current KMS key (key_rotation).',
  reads: ['backup_config', 'security_config'],
  planning: {
    settings: (sections) => {
      const wal = sections.backup_config?.wal_archiving;
      return {
        key_reference: {
          value: backupKeyReference(sections) ?? null,
          source: { path: ['backup_config', 'base_backups', 'encryption'], hint: 'key rotation re-wraps the data keys of encrypted backups: set `encryption: aes-256`' },
        },
        wal_destination: { value: wal?.enabled === true ? (wal.destination ?? null) : null, source: { path: ['backup_config', 'wal_archiving', 'destination'] } },
        key_rotation: { value: sections.security_config?.encryption?.at_rest?.key_rotation ?? null, source: { path: ['security_config', 'encryption', 'at_rest', 'key_rotation'] } },
      };
    },
  },
  procedures: [new URL('../../procedures/key_rotation.yaml', import.meta.url)],
  defaults: { timeout: '6h', heartbeatTimeout: '1m', retry: { attempts: 10, initialInterval: '5s' } },
  steps: () => ({
    rewrap_backup_keys: {
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['key_reference', 'destination'],
        properties: { key_reference: text, previous_key_reference: optionalText, destination: text, copy_destination: optionalText, wal_destination: optionalText },
      },
      describe: (input: RewrapStepInput) =>
        `re-wrap the backup data keys in ${[input.destination, input.copy_destination, input.wal_destination].filter(Boolean).join(', ')} under ${input.key_reference} (no data re-encrypted)`,
      run: async (input: RewrapStepInput, ctx: StepContext) => {
        const previous = ctx.heartbeatDetails as Partial<RewrapProgress> | undefined;
        const cutoff = typeof previous?.cutoff === 'string' ? previous.cutoff : new Date().toISOString();
        ctx.heartbeat({ cutoff, rewrapped: 0, skipped: 0 });
        const report = await rotateBackupKeys(
          {
            keyReference: input.key_reference,
            ...(input.previous_key_reference ? { previousKeyReference: input.previous_key_reference } : {}),
            backupDestinations: [input.destination, input.copy_destination].filter((d): d is string => typeof d === 'string').map((d) => resolveStepReference(d, 'destination')),
            walDestinations: input.wal_destination ? [resolveStepReference(input.wal_destination, 'wal_destination')] : [],
            cutoff,
          },
          { signal: ctx.signal, progress: (p) => ctx.heartbeat(p) },
        );
        ctx.log.info(report, `backup data keys under ${report.keyId}: ${report.rewrapped.baseBackups} base backups, ${report.rewrapped.schemaDumps} schema dumps, ${report.rewrapped.walFiles} WAL files re-wrapped, ${report.skipped} already current`);
        return report;
      },
    },
  }),
});
