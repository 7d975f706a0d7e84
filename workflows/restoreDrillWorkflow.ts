import { defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { RestoreActivities, RestoreDrillInput } from '../activities/backup/restore/restoreActivities.ts';
import type { RestoreDrillResult } from '../activities/backup/restore/runRestoreDrill.ts';

export type RestoreDrillWorkflowInput = RestoreDrillInput;

export interface RestoreDrillStatus {
  readonly phase: 'drilling' | 'passed' | 'failed';
  readonly cluster: string;
  readonly result: RestoreDrillResult | null;
  readonly alerted: boolean;
}

export const restoreDrillStatusQuery = defineQuery<RestoreDrillStatus>('status');

/**
 * `drill:<cluster>:<time>` (the Schedule `drill:<cluster>` starts one on its cadence): restores the archive's latest
 * point into a scratch instance and checks it (runRestoreDrill). The result — pass/fail, duration, data age, row
 * counts, amcheck — is the workflow's result and stays in its history; a failed drill POSTs to the alert webhook.
 * A failed drill completes the workflow (the result is the record); it does not fail it.
 */
export async function restoreDrillWorkflow(input: RestoreDrillWorkflowInput): Promise<RestoreDrillStatus> {
  let status: RestoreDrillStatus = { phase: 'drilling', cluster: input.cluster, result: null, alerted: false };
  setHandler(restoreDrillStatusQuery, () => status);
  const { pitrRestoreDrill } = proxyActivities<RestoreActivities>({
    startToCloseTimeout: '24h',
    heartbeatTimeout: '60s',
    // A drill that cannot run is itself the finding: one retry for a lost worker, then the failure is recorded.
    retry: { maximumAttempts: 2, initialInterval: '10s' },
  });
  const { pitrDrillAlert } = proxyActivities<RestoreActivities>({ startToCloseTimeout: '1m', retry: { maximumAttempts: 5, initialInterval: '5s' } });
  let result: RestoreDrillResult;
  try {
    result = await pitrRestoreDrill(input, workflowInfo().workflowId);
  } catch (error) {
    const cause = (error as { cause?: { type?: string; message?: string } }).cause;
    result = { passed: false, backupId: null, durationMs: 0, dataAgeMs: null, rowCounts: {}, amcheck: { available: false, indexes: 0, failures: [] }, error: { code: cause?.type ?? 'DBA_INTERNAL', message: cause?.message ?? String(error) }, scratchDir: null };
  }
  status = { ...status, phase: result.passed ? 'passed' : 'failed', result };
  if (!result.passed && input.alertWebhook !== undefined) {
    await pitrDrillAlert({ webhook: input.alertWebhook, drillId: workflowInfo().workflowId, cluster: input.cluster, result });
    status = { ...status, alerted: true };
  }
  return status;
}
