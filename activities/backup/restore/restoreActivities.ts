import { createServer } from 'node:net';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { dbarchConfig } from '../../../runtime/dbarchConfig.ts';
import type { ActivityDeps } from '../../ActivityDeps.ts';
import { keyProviderFromReference } from '../crypto/keyProviderFromReference.ts';
import { openObjectStore } from '../store/openObjectStore.ts';
import { s3SettingsFromEnv } from '../store/S3Settings.ts';
import type { WalArchiveConfig } from '../wal/WalArchiveConfig.ts';
import { parseRecoveryTarget } from './parseRecoveryTarget.ts';
import { planPointInTimeRestore } from './planPointInTimeRestore.ts';
import type { RestoreRequestInput } from './RestoreRequestInput.ts';
import { describeTarget, restoreToPointInTime, type PointInTimeRestoreProgress, type PointInTimeRestoreResult } from './restoreToPointInTime.ts';
import { runRestoreDrill, type RestoreDrillResult } from './runRestoreDrill.ts';
import { resolveStepReference } from '../../resolveStepReference.ts';

/** A restore drill's input: the archive's latest point restored into a scratch instance under `scratchRoot`. */
export interface RestoreDrillInput extends Omit<RestoreRequestInput, 'target' | 'targetDir' | 'port' | 'overExisting'> {
  readonly scratchRoot: string;
  /** `database.schema.table` → the fewest rows it may have. */
  readonly minimumRows?: Readonly<Record<string, number>>;
  /** A webhook (reference) that gets a JSON POST when a drill fails. */
  readonly alertWebhook?: string;
}

/** What the restore workflow shows before anything is touched. */
export interface RestorePlanSummary {
  readonly backupId: string;
  readonly backupFinishedAt: string;
  readonly target: string;
  readonly walFiles: number;
  readonly lastArchived: string | null;
}

function walOf(input: Pick<RestoreRequestInput, 'wal'>): WalArchiveConfig {
  return { ...input.wal, destination: resolveStepReference(input.wal.destination, 'wal_archiving.destination') };
}

/**
 * The restore workflow's activities: `pitrPlanRestore` checks (nothing touched) and `pitrRestore` does it,
 * heartbeating its phase; a retried attempt resumes (restoreToPointInTime's marker). Both throw coded errors.
 */
export function restoreActivities(_deps: ActivityDeps) {
  return {
    pitrPlanRestore: async (input: RestoreRequestInput): Promise<RestorePlanSummary> => {
      const wal = walOf(input);
      const s3 = s3SettingsFromEnv();
      const plan = await planPointInTimeRestore({
        backups: openObjectStore(resolveStepReference(input.backupDestination, 'base_backups.destination'), s3),
        wal: openObjectStore(wal.destination, wal.s3Endpoint === undefined ? s3 : { ...s3, endpoint: wal.s3Endpoint }),
        target: parseRecoveryTarget(input.target),
        targetDir: input.targetDir,
        host: input.host ?? '127.0.0.1',
        port: input.overExisting === true ? 0 : input.port,
        ...(input.recoveryWindowMs === undefined ? {} : { recoveryWindowMs: input.recoveryWindowMs }),
        ...(wal.segmentSize === undefined ? {} : { segmentSize: wal.segmentSize }),
        ...(input.overExisting === undefined ? {} : { overExisting: input.overExisting }),
      });
      return { backupId: plan.backup.backupId, backupFinishedAt: plan.backup.finishedAt, target: describeTarget(plan.target), walFiles: plan.walFiles, lastArchived: plan.lastArchived ?? null };
    },
    pitrRestore: async (input: RestoreRequestInput, restoreId: string): Promise<PointInTimeRestoreResult> => {
      const context = Context.current();
      const keyProvider = input.backupKeyReference === undefined ? undefined : await keyProviderFromReference(input.backupKeyReference);
      const pgBinDir = dbarchConfig().pgBinDir;
      let last: PointInTimeRestoreProgress = { phase: 'planning' };
      // The keep-alive repeats the last phase while a long step (the base restore, WAL replay) runs quietly.
      const keepAlive = setInterval(() => context.heartbeat(last), 5000);
      try {
        return await restoreToPointInTime(
          {
            restoreId,
            backupDestination: resolveStepReference(input.backupDestination, 'base_backups.destination'),
            wal: walOf(input),
            target: parseRecoveryTarget(input.target),
            targetDir: input.targetDir,
            port: input.port,
            s3: s3SettingsFromEnv(),
            ...(input.host === undefined ? {} : { host: input.host }),
            ...(input.recoveryWindowMs === undefined ? {} : { recoveryWindowMs: input.recoveryWindowMs }),
            ...(keyProvider ? { keyProvider } : {}),
            ...(pgBinDir === undefined ? {} : { pgBinDir }),
            ...(input.overExisting === undefined ? {} : { overExisting: input.overExisting }),
            ...(input.countTables === undefined ? {} : { countTables: input.countTables }),
            ...(input.settings === undefined ? {} : { settings: input.settings }),
            ...(input.promotionTimeoutMs === undefined ? {} : { promotionTimeoutMs: input.promotionTimeoutMs }),
          },
          {
            signal: context.cancellationSignal,
            progress: (progress) => {
              last = progress;
              context.heartbeat(progress);
            },
          },
        );
      } finally {
        clearInterval(keepAlive);
      }
    },
    pitrRestoreDrill: async (input: RestoreDrillInput, drillId: string): Promise<RestoreDrillResult> => {
      const context = Context.current();
      const keyProvider = input.backupKeyReference === undefined ? undefined : await keyProviderFromReference(input.backupKeyReference);
      const pgBinDir = dbarchConfig().pgBinDir;
      const keepAlive = setInterval(() => context.heartbeat({ phase: 'drill' }), 5000);
      try {
        return await runRestoreDrill(
          {
            // One scratch directory per attempt: a retry never trips over the one before.
            restoreId: `${drillId}:${context.info.attempt}`,
            backupDestination: resolveStepReference(input.backupDestination, 'base_backups.destination'),
            wal: walOf(input),
            targetDir: join(input.scratchRoot, `${drillId.replace(/[^A-Za-z0-9_.-]+/g, '_')}-${context.info.attempt}`),
            port: await freePort(),
            s3: s3SettingsFromEnv(),
            ...(input.host === undefined ? {} : { host: input.host }),
            ...(keyProvider ? { keyProvider } : {}),
            ...(pgBinDir === undefined ? {} : { pgBinDir }),
            ...(input.countTables === undefined ? {} : { countTables: input.countTables }),
            ...(input.minimumRows === undefined ? {} : { minimumRows: input.minimumRows }),
            ...(input.settings === undefined ? {} : { settings: input.settings }),
            ...(input.promotionTimeoutMs === undefined ? {} : { promotionTimeoutMs: input.promotionTimeoutMs }),
          },
          { signal: context.cancellationSignal, progress: (progress) => context.heartbeat(progress) },
        );
      } finally {
        clearInterval(keepAlive);
      }
    },
    pitrDrillAlert: async (input: { readonly webhook: string; readonly drillId: string; readonly cluster: string; readonly result: RestoreDrillResult }): Promise<void> => {
      const response = await fetch(resolveStepReference(input.webhook, 'alert webhook'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'dbarch.restore_drill.failed', drill: input.drillId, cluster: input.cluster, ...input.result }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new DbarchError('DBA_STEP_CONNECTION', `the drill alert webhook answered ${response.status}`);
    },
  };
}

/** A port free on the worker's host, for the scratch instance. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

export type RestoreActivities = ReturnType<typeof restoreActivities>;
