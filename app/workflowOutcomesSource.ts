import type { Client } from '@temporalio/client';
import type { MetricFamily, MetricSample } from '../activities/monitoring/Collector.ts';
import type { PlatformSource } from '../activities/monitoring/PlatformSource.ts';
import { latestDrills } from './latestDrills.ts';

const families = {
  executions: { name: 'dbarch_workflow_executions', type: 'gauge', help: 'Workflow executions in the namespace by status (Temporal visibility, retention applies).', labels: ['status'] },
  running: { name: 'dbarch_workflows_running', type: 'gauge', help: 'Running workflows by type.', labels: ['workflow_type'] },
  failures: { name: 'dbarch_workflow_failures_24h', type: 'gauge', help: 'Workflows that failed, timed out or were terminated in the last 24 hours, by type.', labels: ['workflow_type'] },
  drillLast: { name: 'dbarch_drill_last_run_timestamp_seconds', type: 'gauge', help: 'When the newest completed drill of the cluster closed (Unix time).', labels: ['cluster', 'drill'] },
  drillPassed: { name: 'dbarch_drill_last_passed', type: 'gauge', help: 'Whether the newest completed drill passed (1) or failed (0).', labels: ['cluster', 'drill'] },
  drillDuration: { name: 'dbarch_drill_last_duration_seconds', type: 'gauge', help: 'How long the newest completed drill took.', labels: ['cluster', 'drill'] },
  writeGap: { name: 'dbarch_failover_drill_write_gap_seconds', type: 'gauge', help: 'Longest gap between acknowledged writes in the newest failover drill.', labels: ['cluster'] },
} as const satisfies Record<string, MetricFamily>;

/** Bound on what one refresh lists from visibility: enough for a platform, never an unbounded walk. */
const maxListed = 500;
const dayMs = 86_400_000;

/**
 * Workflow outcomes and drill results from Temporal: executions by status, running workflows and recent failures
 * by type, and per cluster the newest completed failover and restore drill with its verdict (latestDrills). Visibility queries cost
 * the server more than a scrape should, so a reading is reused for `refreshMs`.
 */
export function workflowOutcomesSource(client: Client, refreshMs = 30_000): PlatformSource {
  let cached: { at: number; samples: readonly MetricSample[] } | undefined;
  const read = async (): Promise<MetricSample[]> => {
    const samples: MetricSample[] = [];
    const counted = await client.workflow.count('GROUP BY ExecutionStatus');
    for (const group of counted.groups) {
      // Typed as an array of values; the SDK has delivered the bare value too.
      const value: unknown = group.groupValues[0];
      const status: unknown = Array.isArray(value) ? value[0] : value;
      if (typeof status === 'string') samples.push({ family: families.executions, labels: { status: status.toLowerCase() }, value: group.count });
    }
    const byType = async (query: string) => {
      const counts = new Map<string, number>();
      let listed = 0;
      for await (const execution of client.workflow.list({ query, pageSize: 100 })) {
        counts.set(execution.type, (counts.get(execution.type) ?? 0) + 1);
        if (++listed >= maxListed) break;
      }
      return counts;
    };
    const since = new Date(Date.now() - dayMs).toISOString();
    const [running, failed] = await Promise.all([
      byType('ExecutionStatus = "Running"'),
      byType(`ExecutionStatus IN ("Failed", "TimedOut", "Terminated") AND CloseTime > "${since}"`),
    ]);
    for (const [type, value] of running) samples.push({ family: families.running, labels: { workflow_type: type }, value });
    for (const [type, value] of failed) samples.push({ family: families.failures, labels: { workflow_type: type }, value });
    for (const found of await latestDrills(client)) {
      const labels = { cluster: found.cluster, drill: found.drill };
      samples.push(
        { family: families.drillLast, labels, value: found.closedAt.getTime() / 1000 },
        { family: families.drillPassed, labels, value: found.passed ? 1 : 0 },
        { family: families.drillDuration, labels, value: found.durationMs / 1000 },
      );
      if (found.writeGapMs !== undefined) samples.push({ family: families.writeGap, labels: { cluster: found.cluster }, value: found.writeGapMs / 1000 });
    }
    return samples;
  };
  return {
    name: 'workflows',
    families: Object.values(families),
    async collect() {
      if (cached !== undefined && performance.now() - cached.at < refreshMs) return cached.samples;
      const samples = await read();
      cached = { at: performance.now(), samples };
      return samples;
    },
  };
}
