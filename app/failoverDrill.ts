import type { Client } from '@temporalio/client';
import { parseFrequency } from '../compiler/grammar/parseFrequency.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { isProtectedEnvironment } from '../compiler/sections/deployment_config/checks.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { CapabilityCatalog } from '../plan/CapabilityCatalog.ts';
import type { FailoverDrillInput } from '../workflows/failoverDrillWorkflow.ts';
import { planClusterProcedure } from './planClusterProcedure.ts';
import { monitorWorkflowId } from './startMonitor.ts';
import { upsertSchedule, type UpsertedSchedule } from './upsertSchedule.ts';

export interface FailoverDrillRequest {
  readonly paths: readonly string[];
  readonly cluster: string;
  readonly registry: CapabilityCatalog;
  /** The SLO: the longest write gap the drill accepts, in ms. */
  readonly maxGapMs?: number;
  /** The control database holding the topology, when not the worker's DATABASE_URL. */
  readonly controlUrl?: string;
}

/**
 * The input of a failover drill on a managed cluster: its switchover plan (to the best replica) and its monitor.
 * A cluster that serves a protected environment is refused (DBA_FAILOVER_INPUT): drills switch primaries on a
 * schedule, which production changes must not do unannounced.
 */
export async function failoverDrillInput(request: FailoverDrillRequest): Promise<FailoverDrillInput> {
  const compiled = await compileSpec(request.paths, { sections: request.registry.sections() });
  const guarded = (compiled.spec?.deployment_config?.environments ?? []).filter((env) => env.cluster === request.cluster && isProtectedEnvironment(env));
  if (guarded.length > 0) {
    throw new DbarchError('DBA_FAILOVER_INPUT', `cluster ${request.cluster} serves the protected environment ${guarded.map((env) => env.name).join(', ')}: no drills there`, {
      hint: 'Run drills on a staging cluster with the same topology; switch production over with `dbarch switchover`, approved.',
    });
  }
  const { cluster, plan } = await planClusterProcedure({ paths: request.paths, cluster: request.cluster, procedure: 'dbarch/switchover', registry: request.registry, ...(request.controlUrl === undefined ? {} : { controlUrl: request.controlUrl }) });
  if (cluster.members.length < 2) throw new DbarchError('DBA_FAILOVER_NO_REPLICA', `cluster ${cluster.name} has no replica to switch over to`);
  return { cluster, monitorWorkflowId: monitorWorkflowId(cluster.name), switchoverPlan: plan, ...(request.maxGapMs === undefined ? {} : { maxGapMs: request.maxGapMs }) };
}

/** One drill now: `failover-drill:<cluster>:<time>`. */
export async function startFailoverDrill(client: Client, input: FailoverDrillInput, taskQueue: string, at: Date = new Date()): Promise<{ workflowId: string; runId: string }> {
  const workflowId = `failover-drill:${input.cluster.name}:${at.toISOString()}`;
  const handle = await client.workflow.start('failoverDrillWorkflow', { workflowId, taskQueue, args: [input], memo: { summary: `failover drill of ${input.cluster.name}` } });
  return { workflowId, runId: handle.firstExecutionRunId };
}

/** The Temporal Schedule `failover-drill:<cluster>` running the drill on `frequency` (daily, weekly, cron), UTC. */
export async function applyFailoverDrillSchedule(client: Client, input: FailoverDrillInput, frequency: string, taskQueue: string): Promise<UpsertedSchedule> {
  const parsed = parseFrequency(frequency);
  if (!parsed.ok) throw new DbarchError('DBA_USAGE', `--schedule ${frequency}: ${parsed.message}`);
  const scheduleId = `failover-drill:${input.cluster.name}`;
  return upsertSchedule(client, scheduleId, parsed.value.cron, {
    type: 'startWorkflow', workflowType: 'failoverDrillWorkflow', workflowId: scheduleId, taskQueue, args: [input], memo: { summary: `failover drill of ${input.cluster.name}` },
  }, { cluster: input.cluster.name, frequency });
}
