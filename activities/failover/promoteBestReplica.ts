import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { faultAfterCommit } from '../faultInjection.ts';
import type { StepExecution } from '../StepExecution.ts';
import { failoverContext, memberNamed } from './failoverContext.ts';
import type { FailoverCluster } from './FailoverCluster.ts';
import type { MemberState } from './MemberState.ts';
import { pickCandidate, type CandidateChoice } from './pickCandidate.ts';
import { probeMembers } from './probeMember.ts';
import { promoteMember, type PromoteResult } from './promoteMember.ts';

export interface PromotionOutcome {
  readonly choice: CandidateChoice;
  readonly promote: PromoteResult;
  /** The states the choice was made on. */
  readonly members: readonly MemberState[];
}

/** What an attempt records before it promotes, so a retry (another worker, after a crash) promotes the same one. */
interface PromoteProgress {
  readonly choice: CandidateChoice;
}

const promoteTimeoutMs = 60_000;

/**
 * Picks the most advanced replica and promotes it, exactly once per failover: a member other than the old primary
 * that already runs as a primary is this run's promotion (a retry after a crash) and is reported, never joined by
 * a second; a choice heartbeated by an earlier attempt is kept.
 */
export async function promoteBestReplica(
  control: pg.Pool,
  cluster: FailoverCluster,
  exec: StepExecution & { readonly heartbeatDetails?: unknown },
  options: { readonly to?: string; readonly planned?: boolean } = {},
): Promise<PromotionOutcome> {
  const context = await failoverContext(control, cluster, exec.workflowId);
  const old = context.oldPrimary.name;
  const members = await probeMembers(cluster.members, cluster.health.timeoutMs);
  const promotedAlready = members.filter((m) => m.name !== old && m.reachable && m.inRecovery === false);
  if (promotedAlready.length > 1) {
    throw new DbarchError('DBA_CLUSTER_SPLIT_BRAIN', `cluster ${cluster.name}: ${promotedAlready.map((m) => m.name).join(' and ')} both run as primaries`, { details: { members } });
  }
  const earlier = (exec.heartbeatDetails as PromoteProgress | undefined)?.choice;
  const choice: CandidateChoice =
    promotedAlready[0] !== undefined
      ? (earlier?.chosen === promotedAlready[0].name ? earlier : { chosen: promotedAlready[0].name, flushLsn: promotedAlready[0].flushLsn, replayLsn: promotedAlready[0].replayLsn, candidates: [] })
      : (earlier ?? choose(cluster, old, members, options));
  exec.heartbeat({ choice } satisfies PromoteProgress);
  exec.log.info({ cluster: cluster.name, oldPrimary: old, chosen: choice.chosen, flushLsn: choice.flushLsn, candidates: choice.candidates }, 'promoting the most advanced replica');
  const promote = await promoteMember(memberNamed(cluster, choice.chosen), promoteTimeoutMs);
  faultAfterCommit(exec.stepId);
  return { choice, promote, members };
}

/** `to` when given (it must be a standby that answers); else the most advanced, without quorum when planned. */
function choose(cluster: FailoverCluster, old: string, members: readonly MemberState[], options: { readonly to?: string; readonly planned?: boolean }): CandidateChoice {
  if (options.to === undefined) return pickCandidate(options.planned === true ? { ...cluster, replication: { ...cluster.replication, mode: 'async' } } : cluster, old, members);
  const target = members.find((m) => m.name === options.to);
  if (target === undefined || options.to === old || !target.reachable || target.inRecovery !== true) {
    throw new DbarchError('DBA_FAILOVER_TARGET_INVALID', `${options.to} is not a reachable standby of cluster ${cluster.name}`, { details: { members } });
  }
  return { chosen: target.name, flushLsn: target.flushLsn, replayLsn: target.replayLsn, candidates: members.filter((m) => m.name !== old).map((m) => ({ name: m.name, reachable: m.reachable, flushLsn: m.flushLsn, replayLsn: m.replayLsn, excluded: m.name === target.name ? null : 'not the requested target' })) };
}
