import {
  CancellationScope,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { FailoverActivities } from '../activities/failover/failoverActivities.ts';
import type { FailoverCluster } from '../activities/failover/FailoverCluster.ts';
import type { Detection } from '../activities/failover/WatchOutcome.ts';
import type { Plan } from '../plan/Plan.ts';
import type { InterpreterResult } from './interpreter/InterpreterTypes.ts';
import type { planInterpreterWorkflow } from './interpreter/planInterpreterWorkflow.ts';
import { cancelledDuring } from './cancelledDuring.ts';

/**
 * The monitor's input (`monitor:<cluster>`): the cluster as the failover engine sees it and the failover plan
 * (dbarch/failover planned for it), both made by `dbarch monitor <spec> --cluster <name>`.
 */
export interface MonitorWorkflowInput {
  readonly cluster: FailoverCluster;
  readonly failoverPlan: Plan;
  /** How long one watch runs before the workflow continues as new (bounds the history). Default 10 minutes. */
  readonly runForMs?: number;
  /** A watch whose worker stops heartbeating is retried elsewhere after this long. Default 3 s. */
  readonly heartbeatTimeoutMs?: number;
  /** Rejoin a failed primary as a replica once it is fenced (pg_rewind; members on the worker's machine). Default true. */
  readonly autoRejoin?: boolean;
  /** Carried across continue-as-new; never set by hand. */
  readonly carried?: MonitorCarried;
}

export interface MonitorCarried {
  readonly failovers: readonly FailoverRecord[];
  readonly runs: number;
}

/** One failover as the monitor saw it: the detection, the child's outcome, the rejoin. */
export interface FailoverRecord {
  readonly workflowId: string;
  readonly detection: Detection;
  readonly status: 'succeeded' | 'failed';
  /** The failover procedure's step outputs (choice, LSNs, promote time, publish) or its error. */
  readonly result: InterpreterResult | { readonly error: string };
  readonly rejoin: unknown;
}

export type MonitorPhase = 'watching' | 'failing-over' | 'switching-over' | 'fencing' | 'rejoining' | 'stopped';

/** CloudNativePG-style condition, as the other long operations report them. */
export interface MonitorCondition {
  readonly type: 'PrimaryHealthy' | 'LastFailoverSucceeded' | 'LastSwitchoverSucceeded' | 'FormerPrimaryRejoined';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  /** Workflow time, ISO 8601. */
  readonly lastTransitionTime: string;
}

export interface MonitorStatus {
  readonly phase: MonitorPhase;
  readonly cluster: string;
  readonly primary: string | null;
  readonly conditions: readonly MonitorCondition[];
  readonly failovers: number;
  readonly lastFailover: FailoverRecord | null;
}

export const monitorStatusQuery = defineQuery<MonitorStatus>('status');

/** A planned switchover for the monitor to run as its child `workflowId` (the watch pauses, so no failover races it). */
export interface SwitchoverRequest {
  readonly plan: Plan;
  readonly workflowId: string;
}

export const switchoverSignal = defineSignal<[SwitchoverRequest]>('switchover');

const defaultRunForMs = 10 * 60_000;
/** Failover records kept in the carried state (the rest are in earlier runs' histories). */
const keptFailovers = 5;

/**
 * `failover:<cluster>:<timeline>:e<epoch>`: one failover per failure, however often it is detected or the monitor
 * restarts. The epoch (the published topology's fencing token, which only grows in the control database) tells
 * apart a cluster recreated under the same name, whose timeline starts at 1 again: by timeline alone its first
 * failover was refused as a duplicate of the old cluster's, and the monitor looped on the failed primary.
 */
export function failoverWorkflowId(cluster: string, detection: Pick<Detection, 'timeline' | 'epoch'>): string {
  return `failover:${cluster}:${detection.timeline ?? 'unknown'}:e${detection.epoch}`;
}

/** Patch ids of the monitor: each guards one change, so recorded histories still replay. */
export const monitorPatches = {
  /** The failover child's id carries the topology epoch (failoverWorkflowId); before it, the timeline alone. */
  failoverIdEpoch: 'dbarch-monitor-failover-id-epoch',
} as const;

function failoverWorkflowIdBeforeEpoch(cluster: string, detection: Pick<Detection, 'timeline' | 'epoch'>): string {
  return `failover:${cluster}:${detection.timeline ?? `epoch${detection.epoch}`}`;
}

/**
 * One durable monitor per managed cluster. A heartbeating watch activity checks the published primary at the
 * health-check cadence and returns when it failed (unhealthy_threshold checks in a row), when a fenced former
 * primary answers as a primary again, or when its run is up. On a failure the monitor runs the failover plan as
 * the child workflow failover:<cluster>:<timeline> and then rejoins the old primary; a fenced member back as a
 * primary is fenced again and rejoined. The history stays bounded: continue-as-new after each watch run.
 */
export async function monitorWorkflow(input: MonitorWorkflowInput): Promise<MonitorStatus> {
  const cluster = input.cluster;
  const failovers: FailoverRecord[] = [...(input.carried?.failovers ?? [])];
  let phase: MonitorPhase = 'watching';
  let primary: string | null = null;
  const conditions = new Map<MonitorCondition['type'], MonitorCondition>();
  const condition = (type: MonitorCondition['type'], status: MonitorCondition['status'], reason: string, message: string) => {
    const before = conditions.get(type);
    const lastTransitionTime = before !== undefined && before.status === status ? before.lastTransitionTime : new Date().toISOString();
    conditions.set(type, { type, status, reason, message, lastTransitionTime });
  };
  condition('PrimaryHealthy', 'Unknown', 'Watching', 'the watch is starting');
  const status = (): MonitorStatus => ({ phase, cluster: cluster.name, primary, conditions: [...conditions.values()], failovers: failovers.length, lastFailover: failovers.at(-1) ?? null });
  setHandler(monitorStatusQuery, status);
  const switchovers: SwitchoverRequest[] = [];
  let watchScope: CancellationScope | undefined;
  setHandler(switchoverSignal, (request) => {
    switchovers.push(request);
    watchScope?.cancel();
  });

  const heartbeatTimeout = input.heartbeatTimeoutMs ?? 3000;
  const runForMs = input.runForMs ?? defaultRunForMs;
  const { failoverWatchCluster } = proxyActivities<FailoverActivities>({
    startToCloseTimeout: runForMs + 60_000,
    heartbeatTimeout,
    retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '5s' },
  });
  const { failoverFenceMember, failoverRejoinMember } = proxyActivities<FailoverActivities>({
    startToCloseTimeout: '10m',
    heartbeatTimeout: '30s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
  });

  const rejoin = async (member: string): Promise<unknown> => {
    if (input.autoRejoin === false) return { skipped: 'autoRejoin is off' };
    phase = 'rejoining';
    try {
      const result = await failoverRejoinMember({ cluster, member });
      condition('FormerPrimaryRejoined', 'True', 'Rejoined', `${member} follows the primary again`);
      return result;
    } catch (error) {
      if (isCancellation(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      condition('FormerPrimaryRejoined', 'False', 'RejoinFailed', `${member}: ${message}`);
      return { error: message };
    }
  };

  const cancelled = await cancelledDuring(async () => {
    for (;;) {
      const switchover = switchovers.shift();
      if (switchover !== undefined) {
        phase = 'switching-over';
        try {
          await executeChild<typeof planInterpreterWorkflow>('planInterpreterWorkflow', { args: [{ plan: switchover.plan }], workflowId: switchover.workflowId, parentClosePolicy: 'ABANDON' });
          condition('LastSwitchoverSucceeded', 'True', 'Switched', `${switchover.workflowId} succeeded`);
        } catch (error) {
          if (isCancellation(error)) throw error;
          condition('LastSwitchoverSucceeded', 'False', 'SwitchoverFailed', `${switchover.workflowId}: ${error instanceof Error ? error.message : String(error)}`);
        }
        continue;
      }
      phase = 'watching';
      // The watch runs in a scope of its own: a switchover request cancels it, not the monitor.
      const scope = new CancellationScope();
      watchScope = scope;
      let outcome: Awaited<ReturnType<typeof failoverWatchCluster>>;
      try {
        outcome = await scope.run(() => failoverWatchCluster({ cluster, runForMs }));
      } catch (error) {
        if (isCancellation(error) && switchovers.length > 0 && !CancellationScope.current().consideredCancelled) continue;
        throw error;
      } finally {
        watchScope = undefined;
      }
      if (outcome.kind === 'renew') {
        primary = outcome.primary;
        condition('PrimaryHealthy', 'True', 'ChecksPassing', `${outcome.checks} checks of ${outcome.primary ?? '?'} in this run`);
        break;
      }
      if (outcome.kind === 'fenced-primary') {
        // A former primary restarted as a primary: it is fenced by the topology; stop it, then bring it back as a replica.
        phase = 'fencing';
        condition('FormerPrimaryRejoined', 'False', 'FencedPrimaryRunning', `${outcome.member} answers as a primary while fenced`);
        await failoverFenceMember({ cluster, member: outcome.member });
        await rejoin(outcome.member);
        continue;
      }
      const detection = outcome.detection;
      primary = detection.primary;
      condition('PrimaryHealthy', 'False', 'ChecksFailed', `${detection.primary} failed ${detection.failures.length} checks in a row (${detection.detectionMs} ms)`);
      phase = 'failing-over';
      const workflowId = patched(monitorPatches.failoverIdEpoch) ? failoverWorkflowId(cluster.name, detection) : failoverWorkflowIdBeforeEpoch(cluster.name, detection);
      let record: FailoverRecord;
      try {
        const result = await executeChild<typeof planInterpreterWorkflow>('planInterpreterWorkflow', {
          args: [{ plan: input.failoverPlan }],
          workflowId,
          // A failover that failed may run again for the same failure; one that succeeded never does.
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          parentClosePolicy: 'ABANDON',
        });
        condition('LastFailoverSucceeded', 'True', 'Promoted', `${workflowId} succeeded`);
        record = { workflowId, detection, status: 'succeeded', result, rejoin: await rejoin(detection.primary) };
      } catch (error) {
        if (isCancellation(error)) throw error;
        const message = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
        condition('LastFailoverSucceeded', 'False', 'FailoverFailed', `${workflowId}: ${message}`);
        record = { workflowId, detection, status: 'failed', result: { error: message }, rejoin: null };
        // Watch again after a pause: a still-failed primary is detected anew and the failover retried.
        await sleep(Math.max(1000, cluster.health.intervalMs));
      }
      failovers.push(record);
      if (failovers.length > keptFailovers) failovers.splice(0, failovers.length - keptFailovers);
      if (workflowInfo().continueAsNewSuggested) break;
    }
  });
  if (cancelled) {
    phase = 'stopped';
    return status();
  }
  return continueAsNew<typeof monitorWorkflow>({ ...input, carried: { failovers, runs: (input.carried?.runs ?? 0) + 1 } });
}

