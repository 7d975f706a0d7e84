import type { ManagedCluster } from './ManagedCluster.ts';
import type { MemberStatus } from './MemberStatus.ts';
import { readMemberStatus } from './readMemberStatus.ts';

export interface ClusterMemberView extends MemberStatus {
  /** Standby: bytes its replay is behind the primary's current WAL position (null without a reachable primary). */
  readonly lagBytes: number | null;
  /** Standby: its sync state as the primary reports it (async, potential, sync, quorum), null when not connected. */
  readonly syncState: string | null;
}

export interface ClusterStatus {
  readonly cluster: string;
  /** The reachable member that is not in recovery; null when none is (or more than one: see `primaries`). */
  readonly primary: string | null;
  readonly primaries: readonly string[];
  readonly members: readonly ClusterMemberView[];
}

/** Checks every member at once (each bounded by `timeoutMs`) and relates the standbys to the primary. */
export async function readClusterStatus(cluster: { readonly name: string; readonly members: readonly (ManagedCluster['members'][number] & { readonly url?: string })[] }, timeoutMs: number): Promise<ClusterStatus> {
  const statuses = await Promise.all(cluster.members.map((m) => readMemberStatus(m, timeoutMs)));
  const primaries = statuses.filter((s) => s.role === 'primary');
  const primary = primaries.length === 1 ? primaries[0] : undefined;
  return {
    cluster: cluster.name,
    primary: primary?.member ?? null,
    primaries: primaries.map((p) => p.member),
    members: statuses.map((s) => {
      const peer = primary?.replication.find((r) => r.member === s.member);
      const lagBytes = s.role === 'standby' && primary?.currentLsn != null && s.replayedLsn !== null ? Math.max(0, lsnBytes(primary.currentLsn) - lsnBytes(s.replayedLsn)) : s.role === 'primary' ? 0 : null;
      return { ...s, lagBytes, syncState: peer?.syncState ?? null };
    }),
  };
}

/** An LSN (`16/B374D848`) as a byte position; exact below 2^53, which is 8 PiB of WAL. */
export function lsnBytes(lsn: string): number {
  const [hi, lo] = lsn.split('/');
  return parseInt(hi ?? '0', 16) * 2 ** 32 + parseInt(lo ?? '0', 16);
}
