import { ApplicationFailure, condition, defineQuery, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { RestoreActivities, RestorePlanSummary } from '../activities/backup/restore/restoreActivities.ts';
import type { RestoreRequestInput } from '../activities/backup/restore/RestoreRequestInput.ts';
import type { PointInTimeRestoreProgress, PointInTimeRestoreResult } from '../activities/backup/restore/restoreToPointInTime.ts';

export type RestoreWorkflowInput = RestoreRequestInput;

export type RestoreWorkflowPhase = 'checking' | 'awaiting-approval' | 'restoring' | 'done' | 'rejected' | 'failed';

export interface RestoreDecision {
  readonly by: string;
  readonly comment?: string;
}

export interface RestoreStatus {
  readonly phase: RestoreWorkflowPhase;
  readonly cluster: string;
  readonly plan: RestorePlanSummary | null;
  readonly approval: (RestoreDecision & { readonly decision: 'approved' | 'rejected' }) | null;
  readonly result: PointInTimeRestoreResult | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export const restoreStatusQuery = defineQuery<RestoreStatus>('status');
export const approveRestoreSignal = defineSignal<[RestoreDecision]>('approveRestore');
export const rejectRestoreSignal = defineSignal<[RestoreDecision]>('rejectRestore');

/** Codes that no retry changes: the target, the backups, the archive or the destination must change first. */
const permanent = [
  'DBA_RESTORE_TARGET_INVALID',
  'DBA_RESTORE_TARGET_OUTSIDE_WINDOW',
  'DBA_RESTORE_TARGET_BEFORE_BACKUPS',
  'DBA_RESTORE_NO_BACKUP',
  'DBA_RESTORE_DESTINATION_IN_USE',
  'DBA_RESTORE_RECOVERY_FAILED',
  'DBA_RESTORE_VERIFY_FAILED',
  'DBA_WAL_SEGMENT_MISSING',
  'DBA_WAL_SEGMENT_CORRUPT',
  'DBA_BACKUP_KEY_WRONG',
  'DBA_BACKUP_KEY_MISSING',
  'DBA_BACKUP_KEY_INVALID',
  'DBA_BACKUP_CHUNK_TAMPERED',
  'DBA_BACKUP_TRUNCATED',
  'DBA_BACKUP_CHECKSUM_MISMATCH',
  'DBA_BACKUP_RESTORE_TARGET',
  'DBA_BACKUP_MANIFEST_INVALID',
  'DBA_BACKUP_DESTINATION_UNSUPPORTED',
  'DBA_STEP_CONNECTION',
];

/**
 * `restore:<cluster>:<time>`: a point-in-time restore as a workflow. First every check, touching nothing (a bad
 * target, no fitting backup, a gap in the WAL archive fail here); over an existing cluster it then waits for an
 * approval (the `approveRestore` / `rejectRestore` signals: `dbarch restore approve|reject`, or the Temporal UI's
 * Signal form with `{"by": "alice"}`); then the restore, which heartbeats its phase and resumes on another worker.
 */
export async function restoreWorkflow(input: RestoreWorkflowInput): Promise<RestoreStatus> {
  let status: RestoreStatus = { phase: 'checking', cluster: input.cluster, plan: null, approval: null, result: null, error: null };
  setHandler(restoreStatusQuery, () => status);
  let decision: RestoreStatus['approval'] = null;
  setHandler(approveRestoreSignal, (d) => void (decision ??= { ...d, decision: 'approved' }));
  setHandler(rejectRestoreSignal, (d) => void (decision ??= { ...d, decision: 'rejected' }));

  const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: permanent };
  const { pitrPlanRestore } = proxyActivities<RestoreActivities>({ startToCloseTimeout: '5m', retry });
  const { pitrRestore } = proxyActivities<RestoreActivities>({
    startToCloseTimeout: `${Math.ceil(((input.promotionTimeoutMs ?? 3_600_000) + 24 * 3_600_000) / 1000)}s`,
    heartbeatTimeout: '60s',
    retry,
  });
  try {
    status = { ...status, plan: await pitrPlanRestore(input) };
    if (input.overExisting === true) {
      status = { ...status, phase: 'awaiting-approval' };
      await condition(() => decision !== null);
      status = { ...status, approval: decision };
      if (decision!.decision === 'rejected') {
        status = { ...status, phase: 'rejected' };
        return status;
      }
    }
    status = { ...status, phase: 'restoring' };
    const result = await pitrRestore(input, workflowInfo().workflowId);
    status = { ...status, phase: 'done', result };
    return status;
  } catch (error) {
    const cause = (error as { cause?: { type?: string; message?: string } }).cause;
    status = { ...status, phase: 'failed', error: { code: cause?.type ?? 'DBA_INTERNAL', message: cause?.message ?? String(error) } };
    throw ApplicationFailure.create({ type: cause?.type ?? 'DBA_INTERNAL', message: cause?.message ?? String(error), nonRetryable: true, details: [status] });
  }
}

export type { PointInTimeRestoreProgress };
