import { Context } from '@temporalio/activity';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import type { FailoverCluster } from './FailoverCluster.ts';
import { memberNamed } from './failoverContext.ts';
import { fenceMember, type FenceResult } from './fenceMember.ts';
import { measureWriteGap, type WriteGapMeasurement } from './measureWriteGap.ts';
import { rejoinFormerPrimary, type FormerPrimaryRejoin } from './rejoinFormerPrimary.ts';
import { watchCluster } from './watchCluster.ts';
import type { WatchOutcome } from './WatchOutcome.ts';

export interface WatchActivityInput {
  readonly cluster: FailoverCluster;
  /** How long this watch runs before it returns `renew` (the workflow continues as new). */
  readonly runForMs: number;
}

export interface DrillWriteInput {
  readonly cluster: FailoverCluster;
  readonly settleMs?: number;
  readonly maxMs?: number;
}

export interface MemberActivityInput {
  readonly cluster: FailoverCluster;
  readonly member: string;
}

/** The monitor workflow's activities, called by name (the failover itself runs as the dbarch/failover procedure). */
export function failoverActivities(deps: ActivityDeps) {
  const control = (cluster: FailoverCluster) => {
    let url = deps.urls.postgres;
    if (cluster.controlUrl !== undefined) {
      const resolved = resolveEnvReferences(cluster.controlUrl, process.env);
      if (!resolved.ok) throw new DbarchError('DBA_STEP_CONNECTION', `cluster ${cluster.name} controlUrl: ${resolved.message}`);
      url = resolved.value;
    }
    return { url, pool: deps.postgres(url) };
  };
  return {
    failoverWatchCluster: async (input: WatchActivityInput): Promise<WatchOutcome> => {
      const context = Context.current();
      return watchCluster(control(input.cluster).pool, input.cluster, input.runForMs, {
        signal: context.cancellationSignal,
        heartbeat: (details) => context.heartbeat(details),
        log: deps.log.child({ monitor: input.cluster.name, attempt: context.info.attempt }),
      });
    },
    failoverMeasureWriteGap: async (input: DrillWriteInput): Promise<WriteGapMeasurement> => {
      const context = Context.current();
      // A retried attempt (worker lost) keeps waiting past the epoch the first attempt started from.
      const resumed = (context.info.heartbeatDetails as Partial<WriteGapMeasurement> | undefined)?.epochBefore;
      const options = { cluster: input.cluster.name, ...(input.settleMs ? { settleMs: input.settleMs } : {}), ...(input.maxMs ? { maxMs: input.maxMs } : {}), ...(resumed === undefined ? {} : { epochBefore: resumed }) };
      return measureWriteGap(control(input.cluster).pool, options, (progress) => context.heartbeat(progress), context.cancellationSignal);
    },
    failoverFenceMember: (input: MemberActivityInput): Promise<FenceResult> => fenceMember(memberNamed(input.cluster, input.member), input.cluster.health.timeoutMs),
    failoverRejoinMember: async (input: MemberActivityInput): Promise<FormerPrimaryRejoin> => {
      const context = Context.current();
      const log = deps.log.child({ monitor: input.cluster.name, rejoin: input.member });
      // pg_rewind and the wait for streaming take seconds: keep the heartbeat going.
      const beat = setInterval(() => context.heartbeat(), 1000);
      try {
        return await rejoinFormerPrimary(control(input.cluster), input.cluster, input.member, (message) => log.info(message));
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export type FailoverActivities = ReturnType<typeof failoverActivities>;
