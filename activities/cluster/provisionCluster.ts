import { DbarchError } from '../../errors/DbarchError.ts';
import { assertPgauditInstalled } from '../audit/assertPgauditInstalled.ts';
import { cloneStandby } from './cloneStandby.ts';
import { ensureReplicationSlots } from './ensureReplicationSlots.ts';
import { initPrimary } from './initPrimary.ts';
import { inspectMember, type MemberState } from './inspectMember.ts';
import { isLocalHost } from './isLocalHost.ts';
import type { ManagedCluster, ManagedMember } from './ManagedCluster.ts';
import { memberPaths } from './memberPaths.ts';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import { startMemberServer } from './memberServer.ts';
import { readMemberStatus } from './readMemberStatus.ts';
import { reconcileSynchronousMode } from './reconcileSynchronousMode.ts';
import { rejoinMember } from './rejoinMember.ts';
import { waitForStreaming } from './waitForStreaming.ts';
import { writeMemberConfig } from './writeMemberConfig.ts';
import { writeStandbyConfig } from './writeStandbyConfig.ts';

/** What `cluster up` did to each member. */
export type MemberAction = 'created' | 'started' | 'left' | 'rejoined';

export interface ProvisionResult {
  readonly cluster: string;
  readonly primary: string;
  readonly timeline: number | null;
  readonly members: readonly { readonly member: string; readonly role: 'primary' | 'standby'; readonly action: MemberAction }[];
}

export interface ProvisionOptions {
  /** The published primary, when a topology is published: it stays the primary whatever the spec's order says. */
  readonly primary?: string;
  /** Per check (port probe, connect); default 3 s. */
  readonly checkTimeoutMs?: number;
  /** How long standbys get to stream; default 60 s. */
  readonly streamTimeoutMs?: number;
  readonly progress?: (message: string) => void;
}

/**
 * `dbarch cluster up`: makes every member of a managed cluster run on this machine, idempotently. First every
 * member is inspected and nothing is changed unless all are usable: a member on another machine is
 * DBA_CLUSTER_NOT_LOCAL, a port held by something else DBA_CLUSTER_PORT_TAKEN, a live server that does not answer
 * DBA_CLUSTER_MEMBER_UNREACHABLE, two primaries DBA_CLUSTER_SPLIT_BRAIN. Then: the primary (the published one, else
 * a running one, else the first member) is created (initdb) or started; standbys are created (pg_basebackup through
 * their slot), started, or — a stopped former primary — rejoined through pg_rewind, never started as a primary;
 * running members are left alone. Returns once every standby streams.
 */
export async function provisionCluster(cluster: ManagedCluster, options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const checkTimeoutMs = options.checkTimeoutMs ?? 3000;
  const progress = options.progress ?? (() => undefined);
  const remote = cluster.members.filter((m) => !isLocalHost(m.host));
  if (remote.length > 0) {
    throw new DbarchError('DBA_CLUSTER_NOT_LOCAL', `member ${remote.map((m) => `${m.name} (${m.host})`).join(', ')} of ${cluster.name} is not on this machine`, { details: { members: remote.map((m) => m.name) } });
  }
  if (cluster.audit !== undefined) assertPgauditInstalled();
  const states = new Map<string, MemberState>();
  await Promise.all(cluster.members.map(async (m) => states.set(m.name, await inspectMember(m, memberPaths(cluster, m), checkTimeoutMs))));
  const state = (m: ManagedMember) => states.get(m.name) ?? { kind: 'missing' as const };
  for (const m of cluster.members) {
    const s = state(m);
    if (s.kind === 'foreign') throw new DbarchError('DBA_CLUSTER_PORT_TAKEN', `port ${m.host}:${m.port} of member ${m.name} is held by ${s.holder}; nothing was changed`, { details: { member: m.name, port: m.port } });
    if (s.kind === 'unresponsive') throw new DbarchError('DBA_CLUSTER_MEMBER_UNREACHABLE', `member ${m.name} runs (pid ${s.pid}) but does not answer on ${m.host}:${m.port} (${s.reason}); nothing was changed`, { details: { member: m.name, pid: s.pid } });
  }
  const runningPrimaries = cluster.members.filter((m) => { const s = state(m); return s.kind === 'running' && s.role === 'primary'; });
  const published = options.primary === undefined ? undefined : cluster.members.find((m) => m.name === options.primary);
  if (runningPrimaries.length > 1 || (published !== undefined && runningPrimaries.some((m) => m !== published))) {
    const names = runningPrimaries.map((m) => m.name).join(', ');
    throw new DbarchError('DBA_CLUSTER_SPLIT_BRAIN', `members ${names} of ${cluster.name} run as primaries${published === undefined ? '' : ` but the published primary is ${published.name}`}; nothing was changed`, { details: { primaries: runningPrimaries.map((m) => m.name), published: published?.name ?? null } });
  }
  const primary = published ?? runningPrimaries[0] ?? cluster.members.find((m) => state(m).kind === 'stopped' && !(state(m) as { standby?: boolean }).standby) ?? cluster.members[0];
  if (primary === undefined) throw new DbarchError('DBA_CLUSTER_UNKNOWN', `cluster ${cluster.name} has no members`);

  const actions = new Map<string, MemberAction>();
  const primaryPaths = memberPaths(cluster, primary);
  const primaryState = state(primary);
  if (primaryState.kind === 'missing') {
    progress(`${primary.name}: initdb (primary)`);
    await initPrimary(cluster, primary, primaryPaths);
    await startMemberServer(primaryPaths);
    actions.set(primary.name, 'created');
  } else if (primaryState.kind === 'stopped') {
    if (primaryState.standby) throw new DbarchError('DBA_CLUSTER_NO_PRIMARY', `member ${primary.name} should be the primary of ${cluster.name}, but its data directory is a standby's (standby.signal); nothing was changed`);
    progress(`${primary.name}: start (primary)`);
    writeMemberConfig(cluster, primary, primaryPaths);
    await startMemberServer(primaryPaths);
    actions.set(primary.name, 'started');
  } else {
    actions.set(primary.name, 'left');
  }
  const standbys = cluster.members.filter((m) => m !== primary);
  await ensureReplicationSlots(memberUrl(primary), standbys.map((m) => m.name), { reserve: true });

  const started: { member: ManagedMember; paths: ReturnType<typeof memberPaths> }[] = [];
  for (const member of standbys) {
    const paths = memberPaths(cluster, member);
    const s = state(member);
    if (s.kind === 'running') {
      actions.set(member.name, 'left');
      continue;
    }
    if (s.kind === 'stopped' && !s.standby) {
      progress(`${member.name}: rejoin as a standby of ${primary.name} (pg_rewind)`);
      await rejoinMember(cluster, member.name, primary, { log: progress });
      actions.set(member.name, 'rejoined');
      continue;
    }
    if (s.kind === 'missing') {
      progress(`${member.name}: pg_basebackup from ${primary.name}`);
      await cloneStandby(cluster, member, paths, primary);
      actions.set(member.name, 'created');
    } else {
      progress(`${member.name}: start (standby of ${primary.name})`);
      writeMemberConfig(cluster, member, paths);
      writeStandbyConfig(paths, member, primary);
      actions.set(member.name, 'started');
      try {
        await startMemberServer(paths);
      } catch (error) {
        if (!(error instanceof DbarchError) || error.code !== 'DBA_CLUSTER_TOOL_FAILED') throw error;
        // A standby that replayed past the primary's fork (it followed a primary that has since failed over)
        // refuses to start ("requested timeline N is not a child"): rewind it onto the primary.
        progress(`${member.name}: did not start as a standby of ${primary.name}; rejoining it (pg_rewind)`);
        await rejoinMember(cluster, member.name, primary, { log: progress });
        actions.set(member.name, 'rejoined');
        continue;
      }
      started.push({ member, paths });
      continue;
    }
    await startMemberServer(paths);
    started.push({ member, paths });
  }
  const streamTimeoutMs = options.streamTimeoutMs ?? 60_000;
  await waitForStreaming(primary, started, streamTimeoutMs);
  // Every standby streams now: a sync-mode primary relaxed while they were away waits for them again, and only
  // then can they become synchronous candidates.
  if (cluster.mode === 'sync') await reconcileSynchronousMode(cluster, primary, checkTimeoutMs);
  if (cluster.mode !== 'async') await waitForStreaming(primary, started, streamTimeoutMs, { synchronous: true });
  const status = await readMemberStatus(primary, checkTimeoutMs);
  return {
    cluster: cluster.name,
    primary: primary.name,
    timeline: status.timeline,
    members: cluster.members.map((m) => ({ member: m.name, role: m === primary ? 'primary' : 'standby', action: actions.get(m.name) ?? 'left' })),
  };
}
