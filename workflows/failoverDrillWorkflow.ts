import { getExternalWorkflowHandle, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { FailoverActivities } from '../activities/failover/failoverActivities.ts';
import type { FailoverCluster } from '../activities/failover/FailoverCluster.ts';
import type { WriteGapMeasurement } from '../activities/failover/measureWriteGap.ts';
import type { Plan } from '../plan/Plan.ts';
import { switchoverSignal } from './monitorWorkflow.ts';

export interface FailoverDrillInput {
  readonly cluster: FailoverCluster;
  /** The cluster's monitor (`monitor:<cluster>`), which runs the switchover so no failover races it. */
  readonly monitorWorkflowId: string;
  /** dbarch/switchover planned for the cluster (no `--to`: the best replica). */
  readonly switchoverPlan: Plan;
  /** The failover SLO the drill proves: the longest write gap allowed, in ms (default 5000). */
  readonly maxGapMs?: number;
}

export interface FailoverDrillResult extends WriteGapMeasurement {
  readonly passed: boolean;
  readonly maxGapAllowedMs: number;
  readonly switchoverWorkflowId: string;
  /** Why it failed, for people. */
  readonly reason: string | null;
}

/**
 * A failover drill (run by the Schedule `failover-drill:<cluster>` or `dbarch cluster drill`): a writer through the
 * published topology runs while the cluster's monitor performs a planned switchover, and the drill records the
 * longest write gap against the SLO, so the failover budget is proven on a schedule, not once in CI. Only
 * non-production clusters: `dbarch cluster drill` refuses a cluster that serves a protected environment.
 */
export async function failoverDrillWorkflow(input: FailoverDrillInput): Promise<FailoverDrillResult> {
  const maxGapAllowedMs = input.maxGapMs ?? 5000;
  const { failoverMeasureWriteGap } = proxyActivities<FailoverActivities>({
    startToCloseTimeout: '5m',
    heartbeatTimeout: '10s',
    retry: { initialInterval: '1s', maximumAttempts: 3 },
  });
  const switchoverWorkflowId = `drill-switchover:${workflowInfo().workflowId}`;
  const measuring = failoverMeasureWriteGap({ cluster: input.cluster });
  // Let the writer take a baseline before the switchover starts.
  await sleep('2s');
  await getExternalWorkflowHandle(input.monitorWorkflowId).signal(switchoverSignal, { plan: input.switchoverPlan, workflowId: switchoverWorkflowId });
  const measured = await measuring;
  const reason = !measured.completed
    ? 'no new topology was published, or writes did not resume on it'
    : measured.maxGapMs > maxGapAllowedMs ? `the longest write gap ${measured.maxGapMs} ms exceeds ${maxGapAllowedMs} ms` : null;
  return { ...measured, passed: reason === null, maxGapAllowedMs, switchoverWorkflowId, reason };
}
