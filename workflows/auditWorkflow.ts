import { continueAsNew, defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AuditActivities, AuditActivityInput } from '../activities/audit/auditActivities.ts';
import type { AuditProgress } from '../activities/audit/AuditProgress.ts';
import { cancelledDuring } from './cancelledDuring.ts';

/**
 * The audit collector's input (`audit:<cluster>`), small enough for the Temporal UI's Start Workflow form.
 * `dbarch audit <spec> --cluster <name>` fills it from security_config.audit_logging and the cluster's members.
 */
export interface AuditWorkflowInput extends Omit<AuditActivityInput, 'runForMs'> {
  /** How long one collector activity runs before it reports its counters, in ms. Default 60 s. */
  readonly runForMs?: number;
  /** Activity runs per workflow run before it continues as new (bounds the history). Default 20. */
  readonly runsPerWorkflow?: number;
  /** A collector that stops heartbeating is replaced after this long, in ms. Default 15 s. */
  readonly heartbeatTimeoutMs?: number;
}

export type AuditPhase = 'collecting' | 'stopped';

export interface AuditStatus {
  readonly phase: AuditPhase;
  readonly cluster: string;
  /** The counters (events per class; per target shipped, failures, spooled) as of the last collector run. */
  readonly progress: AuditProgress | null;
}

export const auditStatusQuery = defineQuery<AuditStatus>('status');

/**
 * One durable audit collector per cluster: a heartbeating activity that tails the members' jsonlog and ships audit
 * events to S3 and HEC, retried (on any worker of the task queue, which must run on the cluster's machine) when it
 * fails or its worker dies. Its position, spools and counters live in its state directory, so each run resumes
 * there; the workflow only reports the counters and continues as new every `runsPerWorkflow` runs.
 */
export async function auditWorkflow(input: AuditWorkflowInput): Promise<AuditStatus> {
  const runForMs = input.runForMs ?? 60_000;
  const { runForMs: _r, runsPerWorkflow: _n, heartbeatTimeoutMs: _h, ...activityInput } = input;
  let status: AuditStatus = { phase: 'collecting', cluster: input.cluster, progress: null };
  setHandler(auditStatusQuery, () => status);
  const { collectAudit } = proxyActivities<AuditActivities>({
    startToCloseTimeout: runForMs + 60_000,
    heartbeatTimeout: input.heartbeatTimeoutMs ?? 15_000,
    retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: ['DBA_AUDIT_INPUT', 'DBA_AUDIT_STATE_INVALID'] },
  });
  for (let run = 0; run < (input.runsPerWorkflow ?? 20); run++) {
    const cancelled = await cancelledDuring(async () => {
      status = { ...status, progress: await collectAudit({ ...activityInput, runForMs }) };
    });
    if (cancelled) {
      status = { ...status, phase: 'stopped' };
      return status;
    }
  }
  return continueAsNew<typeof auditWorkflow>(input);
}
