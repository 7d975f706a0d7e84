import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the monitor, automatic failover and switchover of managed HA clusters. */
export const failoverCodes = defineCodes({
  DBA_FAILOVER_NO_REPLICA: {
    summary: 'A failover or switchover was asked for a cluster that has no replica to promote; nothing was changed.',
    hint: 'Add replicas to the cluster\'s `members` and run `dbarch cluster up`, then try again.',
    retryable: false,
  },
  DBA_FAILOVER_NO_CANDIDATE: {
    summary: 'No replica can be promoted safely: none is reachable, or (sync mode) too few standbys answer to prove that one holds every acknowledged commit.',
    hint: 'Bring the standbys back (their logs tell why they are down); the message lists each candidate and why it was left out. Nothing was promoted.',
    retryable: true,
  },
  DBA_FAILOVER_PRIMARY_HEALTHY: {
    summary: 'A failover was asked for while the primary answers its health checks.',
    hint: 'Use `dbarch switchover` for a planned change of primary; a failover only replaces a primary that failed.',
    retryable: false,
  },
  DBA_FAILOVER_PROMOTE_FAILED: {
    summary: 'The chosen replica did not become read-write within the promote timeout.',
    hint: 'Read the member\'s server log; the step is retried and never promotes a second member.',
    retryable: true,
  },
  DBA_FAILOVER_MEMBER_UNREACHABLE: {
    summary: 'A member that a failover or switchover step must change did not answer.',
    hint: 'The step is retried; check the member\'s log if it stays down.',
    retryable: true,
  },
  DBA_FAILOVER_FENCE_FAILED: {
    summary: 'The old primary answers as a primary and could not be stopped or made read-only.',
    hint: 'Stop it by hand (`pg_ctl stop -D <data dir> -m immediate`); the published topology already names the new primary, so dbarch never writes to it.',
    retryable: true,
  },
  DBA_FAILOVER_TARGET_INVALID: {
    summary: 'The switchover target is not a replica of the cluster, or it is not streaming from the current primary.',
    hint: 'Pass a replica listed by `dbarch topology` with --to, or leave --to out to take the most advanced one.',
    retryable: false,
  },
  DBA_FAILOVER_CATCHUP_TIMEOUT: {
    summary: 'The switchover target did not replay everything the old primary wrote within the catch-up timeout; the old primary was made writable again.',
    hint: 'Look at the target\'s replay lag (`dbarch topology`) and try again when it keeps up.',
    retryable: true,
  },
  DBA_FAILOVER_INPUT: {
    summary: 'The spec does not say enough to watch or fail over the cluster (no such managed cluster, or members without replication settings the step needs).',
    hint: 'Name a cluster of `clusters[]` that has `members`; the message says what is missing.',
    retryable: false,
  },
});
