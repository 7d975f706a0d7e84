import { DbarchError } from '../../errors/DbarchError.ts';
import type { FailoverCluster } from './FailoverCluster.ts';
import { compareLsn } from './lsn.ts';
import type { MemberState } from './MemberState.ts';

/** The decision and its reasons, as recorded in the workflow history. */
export interface CandidateChoice {
  readonly chosen: string;
  readonly flushLsn: string | null;
  readonly replayLsn: string | null;
  /** Every member other than the old primary with its positions, and why it lost when it did. */
  readonly candidates: readonly { readonly name: string; readonly reachable: boolean; readonly flushLsn: string | null; readonly replayLsn: string | null; readonly excluded: string | null }[];
}

/**
 * The replica to promote: among reachable standbys, the one with the most WAL received (then replayed; then by
 * name, so the choice is the same every time it is made). In sync and strict modes, a commit was acknowledged once
 * `count` standbys flushed it, so the most advanced of any `standbys - count + 1` of them holds every acknowledged
 * commit; with fewer reachable, no choice can be proven lossless and none is made.
 */
export function pickCandidate(cluster: FailoverCluster, oldPrimary: string, states: readonly MemberState[]): CandidateChoice {
  const others = states.filter((state) => state.name !== oldPrimary);
  if (others.length === 0) throw new DbarchError('DBA_FAILOVER_NO_REPLICA', `cluster ${cluster.name} has no replica besides ${oldPrimary}`);
  const candidates = others.map((state) => ({
    name: state.name,
    reachable: state.reachable,
    flushLsn: state.flushLsn,
    replayLsn: state.replayLsn,
    excluded: !state.reachable ? `unreachable (${state.error ?? 'no answer'})` : state.inRecovery !== true ? 'not a standby' : null,
  }));
  const eligible = candidates
    .filter((candidate) => candidate.excluded === null)
    .sort((a, b) => compareLsn(b.flushLsn, a.flushLsn) || compareLsn(b.replayLsn, a.replayLsn) || a.name.localeCompare(b.name));
  const best = eligible[0];
  const needed = cluster.replication.mode === 'async' ? 1 : Math.max(1, others.length - cluster.replication.count + 1);
  if (best === undefined || eligible.length < needed) {
    const why = candidates.map((c) => `${c.name}: ${c.excluded ?? `flush ${c.flushLsn ?? '?'}`}`).join('; ');
    throw new DbarchError(
      'DBA_FAILOVER_NO_CANDIDATE',
      best === undefined
        ? `cluster ${cluster.name}: no replica can be promoted (${why})`
        : `cluster ${cluster.name} (${cluster.replication.mode}, ${cluster.replication.method} ${cluster.replication.count}): ${eligible.length} of ${others.length} standbys answer, ${needed} are needed to be sure one holds every acknowledged commit (${why})`,
      { details: { candidates } },
    );
  }
  return {
    chosen: best.name,
    flushLsn: best.flushLsn,
    replayLsn: best.replayLsn,
    candidates: candidates.map((c) =>
      c.excluded === null && c.name !== best.name ? { ...c, excluded: compareLsn(c.flushLsn, best.flushLsn) < 0 ? 'less WAL received than the chosen one' : 'as far as the chosen one; name order decided' } : c,
    ),
  };
}
