import type { Client } from '@temporalio/client';
import type { FailoverDrillResult } from '../workflows/failoverDrillWorkflow.ts';
import type { RestoreDrillStatus } from '../workflows/restoreDrillWorkflow.ts';

/** The newest completed drill of one kind for one cluster, as the status page and the exporter show it. */
export interface LatestDrill {
  readonly cluster: string;
  readonly drill: 'failover' | 'restore';
  readonly workflowId: string;
  readonly closedAt: Date;
  readonly passed: boolean;
  readonly durationMs: number;
  /** Failover drills: the longest gap between acknowledged writes. */
  readonly writeGapMs?: number;
  /** Why it failed, when it did. */
  readonly reason: string | null;
}

/** How many of the newest completed drills of each kind are examined: enough for every cluster of a platform. */
const examined = 20;

const kinds = {
  failover: {
    type: 'failoverDrillWorkflow',
    verdict: (result: FailoverDrillResult) => ({ passed: result.passed, durationMs: result.durationMs, writeGapMs: result.maxGapMs, reason: result.reason }),
  },
  restore: {
    type: 'restoreDrillWorkflow',
    verdict: (status: RestoreDrillStatus) => ({ passed: status.result?.passed === true, durationMs: status.result?.durationMs ?? 0, reason: status.result?.error?.message ?? null }),
  },
} as const;

/**
 * Per cluster, the newest completed failover drill (`failover-drill:<cluster>:<time>`) and restore drill
 * (`drill:<cluster>:<time>`), with the verdict read from the workflow's result. A drill that failed its check
 * completes its workflow (the result is the record), so completed executions are the ones that count.
 */
export async function latestDrills(client: Client): Promise<LatestDrill[]> {
  const found = await Promise.all((Object.keys(kinds) as (keyof typeof kinds)[]).map((drill) => latestOfKind(client, drill)));
  return found.flat();
}

async function latestOfKind(client: Client, drill: keyof typeof kinds): Promise<LatestDrill[]> {
  const newest = new Map<string, { workflowId: string; runId: string; closedAt: Date }>();
  let seen = 0;
  for await (const execution of client.workflow.list({ query: `WorkflowType = "${kinds[drill].type}" AND ExecutionStatus = "Completed"`, pageSize: examined })) {
    const cluster = /^[^:]+:(.+):\d{4}-\d\d-\d\dT[\d:.]+Z$/.exec(execution.workflowId)?.[1];
    const closedAt = execution.closeTime;
    if (cluster !== undefined && closedAt !== undefined && (newest.get(cluster)?.closedAt.getTime() ?? -1) < closedAt.getTime()) newest.set(cluster, { workflowId: execution.workflowId, runId: execution.runId, closedAt });
    if (++seen >= examined) break;
  }
  return Promise.all(
    [...newest].map(async ([cluster, run]) => {
      const result: unknown = await client.workflow.getHandle(run.workflowId, run.runId).result();
      const verdict = drill === 'failover' ? kinds.failover.verdict(result as FailoverDrillResult) : kinds.restore.verdict(result as RestoreDrillStatus);
      return { cluster, drill, workflowId: run.workflowId, closedAt: run.closedAt, ...verdict };
    }),
  );
}
